import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { exportAttribution, previousTenantDay } from '../../src/attribution/export.ts';
import { reportCsv } from '../../src/attribution/report-csv.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { startWorkers } from '../../src/worker/pool.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { s3ArchiveOn, startS3Server } from '../support/s3-server.ts';
import { metaLeadL1, put, rec, saleS1, spendRow } from './support.ts';
import { shutDown } from '../support/shut-down.ts';

let t: TestHub;
const T = 'store-exp';
const q = { from: '2026-03-01', to: '2026-03-31', model: 'linear' as const };

beforeAll(async () => {
  t = await openTestHub();
  await t.hub.tenants.create({ id: T, name: 'Acme Ford' });
  await put(new RecordStore(t.hub.redis, t.hub.keys), T, [
    metaLeadL1(),
    rec(
      'lead',
      'l2',
      { createdAt: '2026-03-10T16:00:00Z', source: 'google', campaignId: 'g,1' },
      'c1',
    ),
    saleS1(),
    spendRow('sp1', '2026-03-10', 'google', 'g,1', 123_456),
  ]);
  await t.hub.attribution.catchUp(T);
});
afterAll(() => shutDown(t));

describe('report export to the archive', () => {
  it('writes reports/attribution/<from>_<to>_<model>.csv to the local archive', async () => {
    const key = await exportAttribution(t.hub.attribution, t.hub.archive, T, q);
    expect(key).toBe(`${T}/reports/attribution/2026-03-01_2026-03-31_linear.csv`);
    const csv = reportCsv(await t.hub.attribution.report(T, { ...q, groupBy: 'campaign' })) + '\n';
    const file = join(t.config.ARCHIVE_URL, key);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(csv);
    expect(csv.split('\n').slice(1, 3)).toEqual([
      'google,"g,1",1234.56,1,0.500000,1750.01,10500.00,1234.56,2469.12,1.4175',
      'meta,m1,0.00,1,0.500000,1750.01,10500.00,0.00,0.00,',
    ]);
    // Exported again, the same name is replaced, not duplicated.
    expect(await exportAttribution(t.hub.attribution, t.hub.archive, T, q)).toBe(key);
    expect(await t.hub.archive.readDocument(key)).toBe(csv);
  });

  it('writes the same CSV to an S3 archive (s3rver)', async () => {
    const s3 = await startS3Server();
    try {
      const archive = s3ArchiveOn(s3);
      const key = await exportAttribution(t.hub.attribution, archive, T, q);
      expect(key).toBe(`${T}/reports/attribution/2026-03-01_2026-03-31_linear.csv`);
      expect(await archive.readDocument(key)).toBe(await t.hub.archive.readDocument(key));
    } finally {
      await s3.close();
    }
  });

  it('a daily schedule exports the previous tenant day for each model, in a worker', async () => {
    await t.hub.attributionJobs.scheduleExport(T, ['last_touch', 'time_decay'], '0 6 * * *');
    expect(await t.hub.attributionJobs.exportSchedule(T)).toEqual({
      pattern: '0 6 * * *',
      models: ['last_touch', 'time_decay'],
    });
    const pool = await startWorkers(t.hub, [t.hub.attributionJobs.processor(1)]);
    try {
      await t.hub.attributionJobs.exportNow(T, ['last_touch', 'time_decay']);
      const day = previousTenantDay(new Date(), 'America/Chicago');
      for (const model of ['last_touch', 'time_decay'])
        await vi.waitFor(
          () =>
            expect(
              existsSync(
                join(t.config.ARCHIVE_URL, T, `reports/attribution/${day}_${day}_${model}.csv`),
              ),
            ).toBe(true),
          { timeout: 30_000, interval: 100 },
        );
    } finally {
      await pool.close();
    }
    await t.hub.attributionJobs.unscheduleExport(T);
    expect(await t.hub.attributionJobs.exportSchedule(T)).toBeNull();
  });

  it('refuses a document path that would leave its folder', async () => {
    await expect(t.hub.archive.putDocument(T, 'reports/../x.csv', '', 'text/csv')).rejects.toThrow(
      /Invalid document path/,
    );
  });
});
