import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { readPage } from '../../../connectors/dms-files/read-page.ts';
import { S3PrefixSource } from '../../../connectors/dms-files/sources/s3.ts';
import { startS3Server, type TestS3Server } from '../../support/s3-server.ts';
import { salesCsv } from './drop.ts';
import { FIXTURES, openDmsHarness, type DmsHarness } from './harness.ts';
import { pagePlan, readAll } from './pages.ts';

// s3rver 3.7.1 cannot paginate listings on Node >= 17 (see test/archive/s3.integration.test.ts):
// every bucket here stays far below 1,000 keys.
let s3: TestS3Server;
let client: S3Client;
let h: DmsHarness;
let prefix: string;
let n = 0;

beforeAll(async () => {
  s3 = await startS3Server();
  client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});
beforeEach(async () => {
  h = await openDmsHarness();
  prefix = `dealers/acme-${++n}/exports`;
});
afterEach(async () => {
  await h.close();
});

/** Uploads `body` (or the fixture `fixture:<name>`) as `<prefix>/<key>`. */
async function put(key: string, body: string, under = prefix) {
  const bytes = body.startsWith('fixture:') ? readFileSync(join(FIXTURES, body.slice(8))) : body;
  await client.send(
    new PutObjectCommand({ Bucket: s3.bucket, Key: `${under}/${key}`, Body: bytes }),
  );
}

const location = (extra: Record<string, unknown> = {}) => ({
  type: 's3',
  bucket: s3.bucket,
  prefix: `/${prefix}/`,
  endpoint: s3.endpoint,
  region: s3.region,
  forcePathStyle: true,
  ...extra,
});
const keys = () => ({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });

describe('dms-files on an S3 bucket prefix', () => {
  it('reads the exports under its prefix through the mappings, quarantining unreadable rows', async () => {
    await put('sales/sales-messy.csv', 'fixture:sales-messy.csv');
    await put('cdk/fi.csv', 'fixture:cdk-fi-deals.csv');
    await put('sales/other-store.csv', salesCsv(1, 5), 'dealers/other/exports');
    const sales = await h.sync('dms-sales', { location: location(), pageSize: 3 }, keys());
    const cdk = await h.sync('dms-cdk-sales', { location: location() }, keys());

    expect((await h.run(sales)).counts).toMatchObject({ read: 7, created: 4, quarantined: 2 });
    expect((await h.run(cdk)).counts).toMatchObject({ read: 3, created: 2, quarantined: 1 });
    expect((await h.records(cdk)).get('314403')).toMatchObject({ backGross: 71300 });
  });

  it('reads a new object and an overwritten one on the next run, not the unchanged ones', async () => {
    await put('sales/a.csv', salesCsv(1, 4));
    const syncId = await h.sync('dms-sales', { location: location(), pageSize: 3 }, keys());
    expect((await h.run(syncId)).counts).toMatchObject({ read: 4, created: 4 });
    expect((await h.run(syncId)).counts).toMatchObject({ read: 0 });

    await put('sales/b.csv', salesCsv(5, 6));
    expect((await h.run(syncId)).counts).toMatchObject({ read: 2, created: 2 });

    await put('sales/a.csv', salesCsv(1, 4).replace('20002.00', '21000.00'));
    expect((await h.run(syncId)).counts).toMatchObject({ read: 4, updated: 1, unchanged: 3 });
    expect((await h.run(syncId)).counts).toMatchObject({ read: 0 });
  });

  it('resumes by byte range at any page size, and restarts an object overwritten mid-read', async () => {
    await put('sales/messy.csv', 'fixture:sales-messy.csv');
    await put('customers/c.csv', 'fixture:customers.csv');
    const source = new S3PrefixSource(location() as never, keys());
    const signal = new AbortController().signal;
    const plan = (pageSize: number, glob?: string) => pagePlan(pageSize, { glob });
    try {
      const whole = (await readAll(source, plan(1000))).records;
      expect(whole).toHaveLength(12);
      for (const size of [1, 2, 5])
        expect((await readAll(source, plan(size))).records).toEqual(whole);

      await put('sales/day.csv', salesCsv(1, 5));
      const first = await readPage(source, plan(3, 'sales/day.csv'), null, signal);
      expect(first.records.map((r) => r.deal_number)).toEqual(['1', '2', '3']);
      await put('sales/day.csv', salesCsv(1, 5).replace('ACME01,1,', 'ACME01,100,'));
      const rest = (await readAll(source, plan(3, 'sales/day.csv'), first.nextCursor)).records;
      expect(rest.map((r) => r.deal_number)).toEqual(['100', '2', '3', '4', '5']);
    } finally {
      source.close();
    }
  });

  it('marks the connection broken when the bucket refuses the keys', async () => {
    await put('sales/a.csv', salesCsv(1, 2));
    const syncId = await h.sync(
      'dms-sales',
      { location: location() },
      // s3rver does not check SigV4 signatures, only that the key id exists.
      { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'not-the-secret' },
    );
    await expect(h.run(syncId)).rejects.toThrow(/refused the credentials/);
    const sync = await h.engine.service.svc.syncs.get(h.tenantId, syncId);
    const conn = await h.hub.connections.get(h.tenantId, sync.connectionId);
    expect(conn.status).toBe('broken');
  });
});
