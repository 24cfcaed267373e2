import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApi, type ApiServer } from '../../src/api/server.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import type { FakeMailchimp } from '../../src/sandbox/mailchimp.ts';
import { apiCall } from '../support/api-call.ts';
import { openTestHub, scanKeys, type TestHub } from '../support/hub.ts';
import {
  connectMailchimp,
  MC_API_KEY as API_KEY,
  startMailchimpMembers,
} from '../support/mailchimp-members.ts';
import { shutDown } from '../support/shut-down.ts';

// A dry read of a connection's stream over a real HTTP server, on real Redis, against the
// loopback Mailchimp: the first records come back, map through the mapping, and nothing stays.

const WRONG_KEY = 'ffffffffffffffffffffffffffffffff-us14';
const TENANT = 'store-a';

let t: TestHub;
let engine: Engine;
let api: ApiServer;
let mailchimp: Awaited<ReturnType<typeof startMailchimpMembers>>;
let mc: FakeMailchimp;
let it_: string;
let viewer: string;
let conn: string;

const sample = (path: string, body?: unknown, token = it_) =>
  apiCall(api.port, token, `/tenants/${TENANT}/connections/${path}`, 'POST', body);

/** Every file under the hub's archive folder (none when it was never made). */
function archiveFiles(): string[] {
  try {
    return readdirSync(t.config.ARCHIVE_URL, { recursive: true }).map(String).sort();
  } catch {
    return [];
  }
}

beforeAll(async () => {
  t = await openTestHub();
  engine = createEngine(t.hub, { queueName: `sample-${randomUUID()}` });
  api = await startApi(t.hub, engine.service, 0);
  mailchimp = await startMailchimpMembers('Buyer', 5);
  mc = mailchimp.mc;
  await t.hub.tenants.create({ id: TENANT, name: 'Acme Ford' });
  await t.hub.tenants.create({ id: 'store-b', name: 'Bayside Toyota' });
  it_ = (await t.hub.apiKeys.create(TENANT, 'it', 'it')).token;
  viewer = (await t.hub.apiKeys.create(TENANT, 'viewer', 'viewer')).token;
  conn = await connectMailchimp(t.hub, TENANT, mailchimp);
});
afterAll(() => shutDown(api, engine, mc, t));

describe('POST .../connections/{id}/streams/{stream}/sample', () => {
  it('returns the first records of the stream, which map, and saves nothing', async () => {
    const prefix = `${t.config.REDIS_PREFIX}:*`;
    const keysBefore = await scanKeys(t.hub.redis, prefix);
    const filesBefore = archiveFiles();
    const res = await sample(`${conn}/streams/members/sample`, { limit: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: 'active' });
    const records = res.body.records as Record<string, unknown>[];
    // Oldest change first, as the stream reads them: the first two members added.
    expect(records.map((r) => r.email_address)).toEqual([
      'Buyer0@Example.com',
      'Buyer1@Example.com',
    ]);
    expect(mc.writes()).toEqual([]);

    // Only the connection's shared rate-limit and concurrency slots appear, and they expire.
    const added = (await scanKeys(t.hub.redis, prefix)).filter((k) => !keysBefore.includes(k));
    for (const key of added) {
      expect(key).toMatch(/:(rl|cc):/);
      expect(await t.hub.redis.pttl(key)).toBeGreaterThan(0);
    }
    expect(archiveFiles()).toEqual(filesBefore);
    expect(await engine.service.svc.syncs.list(TENANT)).toEqual([]);

    // The sample maps through the shipped mapping (the preview worker).
    const mapped = await apiCall(
      api.port,
      it_,
      `/tenants/${TENANT}/mappings/mailchimp-members/preview`,
      'POST',
      { records },
    );
    expect(mapped.status).toBe(200);
    const results = mapped.body.results as { value: Record<string, unknown> }[];
    expect(results.map((r) => r.value.email)).toEqual(['buyer0@example.com', 'buyer1@example.com']);
    // Vendor data is answered, never logged; the key never appears anywhere.
    expect(t.logText()).not.toContain('Buyer0@Example.com');
    expect(t.logText()).not.toContain(API_KEY);
    expect(JSON.stringify(res.body)).not.toContain(API_KEY);
  });

  it('reads 3 records without a limit, and refuses a limit past 20 naming the field', async () => {
    const plain = await sample(`${conn}/streams/members/sample`);
    expect(plain.status).toBe(200);
    expect(plain.body.records).toHaveLength(3);
    const tooMany = await sample(`${conn}/streams/members/sample`, { limit: 21 });
    expect(tooMany.status).toBe(422);
    expect(JSON.stringify(tooMany.body)).toContain('limit');
  });

  it('names the streams of the connector for an unknown one', async () => {
    const res = await sample(`${conn}/streams/nope/sample`, {});
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      error: {
        code: 'unknown_stream',
        details: [{ path: 'stream', message: expect.stringContaining('members') }],
      },
    });
  });

  it('is refused to a viewer and hidden from another tenant', async () => {
    const refused = await sample(`${conn}/streams/members/sample`, {}, viewer);
    expect(refused.status).toBe(403);
    const other = (await t.hub.apiKeys.create('store-b', 'admin', 'b')).token;
    const hidden = await apiCall(
      api.port,
      other,
      `/tenants/store-b/connections/${conn}/streams/members/sample`,
      'POST',
      {},
    );
    expect(hidden.status).toBe(404);
  });

  it('answers a refused key as the connection test does: ok false, connection broken', async () => {
    const bad = await t.hub.connections.create(TENANT, {
      connectorId: 'mailchimp',
      name: 'Mailchimp: wrong key',
      settings: mailchimp.settings,
      credentials: { ...mailchimp.credentials, apiKey: WRONG_KEY },
    });
    const res = await sample(`${bad.id}/streams/members/sample`, { limit: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, status: 'broken', records: [] });
    expect(JSON.stringify(res.body)).not.toContain(WRONG_KEY);
    expect(t.logText()).not.toContain(WRONG_KEY);
    expect((await t.hub.connections.get(TENANT, bad.id)).status).toBe('broken');
  });
});
