import { join } from 'node:path';

import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectors } from '../../connectors/index.ts';
import { createApp } from '../../src/api/app.ts';
import { reasonKey } from '../../src/quality/counters.ts';
import { DataQualityReader } from '../../src/quality/report.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { ingestPage, type InboundScope } from '../../src/sync/inbound.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { createSyncServices, type SyncServices } from '../../src/sync/services.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { shutDown } from '../support/shut-down.ts';

let t: TestHub;
let svc: SyncServices;
let engine: Engine;
const T = 'dq-store';
// A zone far from UTC, so a UTC date would often be the wrong import day.
const ZONE = 'Pacific/Kiritimati';
const scopes: Record<'site' | 'other' | 'clicks', InboundScope> = {} as never;

beforeAll(async () => {
  t = await openTestHub({ LOG_LEVEL: 'warn' });
  const registry = new ConnectorRegistry(connectors);
  const mappings = new DirectoryMappingSource(join(import.meta.dirname, '../../mappings'));
  svc = createSyncServices(t.hub, registry, mappings);
  engine = createEngine(t.hub, { queueName: `dq-${crypto.randomUUID()}` });
  await t.hub.tenants.create({ id: T, name: 'Quality Motors' });
  await t.hub.settings.update(T, { timeZone: ZONE });
  const names = { site: 'Website leads', other: 'Other site', clicks: 'Website clicks' };
  for (const name of ['site', 'other', 'clicks'] as const) {
    const mapping = await mappings.get(name === 'clicks' ? 'http-json-clicks' : 'http-json-leads');
    const conn = await t.hub.connections.create(T, {
      connectorId: 'http-json',
      name: names[name],
      settings: { baseUrl: 'http://127.0.0.1:9' },
      credentials: { token: 'x' },
    });
    const sync = await svc.syncs.create(T, {
      name: `${name} in`,
      connectionId: conn.id,
      mapping: mapping.name,
      mode: 'inbound',
    });
    scopes[name] = {
      sync,
      connector: registry.get('http-json'),
      mapping,
      stream: mapping.stream,
      twoWay: false,
    };
  }
});
afterAll(() => shutDown(engine, t));

const at = '2026-11-20T10:00:00Z';
const pat = {
  id: 'w1',
  created_at: at,
  email: 'pat@example.com',
  phone: '512-555-0101',
  name: 'Pat Lee',
};
const today = () => DateTime.now().setZone(ZONE).toISODate()!;

describe('data quality per source connection and import day', () => {
  it('counts read, quarantined by reason, missing details, normalized values and same-source duplicates', async () => {
    const before = today();
    await ingestPage(svc, scopes.site, [
      pat,
      // The same person again (email in capitals): a duplicate merged; no phone.
      { id: 'w2', created_at: at, email: 'PAT@example.com', name: 'Pat Lee' },
      // No email; a phone that is not one (dropped): missing both, one value normalized away.
      { id: 'w3', created_at: at, phone: '12', name: 'Sam Roe' },
      // No creation time, and an unreadable one: quarantined.
      { id: 'w4', email: 'q1@example.com' },
      { id: 'w5', created_at: 'last tuesday', email: 'q2@example.com' },
      // An invalid email (dropped), with a phone.
      { id: 'w6', created_at: at, email: 'kim@', phone: '+15125550199', name: 'Kim Poe' },
    ]);
    // The same lead read again is no new duplicate; a new lead of Pat from this source is one;
    // Pat through another connection is not a duplicate of that connection.
    await ingestPage(svc, scopes.site, [
      pat,
      { id: 'w7', created_at: at, email: 'pat@example.com', name: 'Pat Lee' },
    ]);
    await ingestPage(svc, scopes.other, [
      { id: 'o1', created_at: at, email: 'pat@example.com', phone: '5125550101', name: 'Pat Lee' },
    ]);
    const after = today();
    const q = { from: before, to: after };
    const r = await new DataQualityReader(t.hub.redis, t.hub.keys).report(
      T,
      q,
      await t.hub.connections.list(T),
    );
    expect(r.sources.map((s) => s.connectionName)).toEqual(['Other site', 'Website leads']);
    const site = r.sources.find((s) => s.connectionName === 'Website leads')!;
    expect(site.days.map((d) => d.date)).toContain(before);
    expect(site.totals).toEqual({
      read: 8,
      quarantined: 2,
      // w2, w3 and w7 (w1 again has a phone); w3 and w6 have no email, and w1's re-read has one.
      missingEmail: 2,
      missingPhone: 3,
      invalidNormalized: 2,
      duplicatesMerged: 2,
      quarantinedByReason: [
        { reason: 'createdAt: required field is missing', count: 1 },
        { reason: expect.stringMatching(/^createdAt: /), count: 1 },
      ],
    });
    expect(site.totals.quarantinedByReason[1]!.reason).not.toContain('tuesday');
    expect(r.sources[0]!.totals).toMatchObject({ read: 1, duplicatesMerged: 0, missingPhone: 0 });

    // On the API, for a marketing key; a range of more than 366 days is refused.
    const app = createApp(t.hub, engine.service);
    const token = (await t.hub.apiKeys.create(T, 'marketing', 'm')).token;
    const get = (p: string) => app.request(p, { headers: { authorization: `Bearer ${token}` } });
    const res = await get(`/v1/tenants/${T}/reports/data-quality?from=${before}&to=${after}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(r)));
    const long = await get(`/v1/tenants/${T}/reports/data-quality?from=2024-01-01&to=2025-12-31`);
    expect(long.status).toBe(422);
  });

  it('several touchpoints of one customer from one source are no duplicates: they merge into nothing', async () => {
    const before = today();
    await ingestPage(svc, scopes.site, [{ ...pat, id: 'w9', email: 'lou@example.com' }]);
    const click = (id: string, occurred_at: string) => ({
      id,
      occurred_at,
      gclid: `Cj0-${id}`,
      email: 'lou@example.com',
    });
    await ingestPage(svc, scopes.clicks, [click('k1', at), click('k2', '2026-11-21T10:00:00Z')]);
    await ingestPage(svc, scopes.clicks, [click('k3', '2026-11-22T10:00:00Z')]);
    const r = await new DataQualityReader(t.hub.redis, t.hub.keys).report(
      T,
      { from: before, to: today() },
      await t.hub.connections.list(T),
    );
    const clicks = r.sources.find((s) => s.connectionName === 'Website clicks')!;
    expect(clicks.totals).toMatchObject({ read: 3, quarantined: 0, duplicatesMerged: 0 });
    // The clicks did find the customer: all three are on Lou's record set.
    const lou = await svc.records.get(
      T,
      'touchpoint',
      (await t.hub.redis.hget(
        t.hub.keys.links(T, scopes.clicks.sync.connectionId, 'clicks'),
        'k3',
      ))!,
    );
    expect(lou?.customerId).toBeTruthy();
  });

  it('a date reason keeps its format and rule, never the date', () => {
    const reason =
      'unreadable date "31-FEB-2025" (format seen: 99-AAA-9999; read as day-month-year: day "31" is not 1-28 in month "2")';
    expect(reasonKey({ field: 'saleDate', reason })).toBe(
      'saleDate: unreadable date (format seen: 99-AAA-9999; read as day-month-year: day is not 1-28 in month)',
    );
    expect(reasonKey({ field: 'address.line2', reason: 'too long: 5125550123 is over 64' })).toBe(
      'address.line2: too long: N is over 64',
    );
  });

  it('a reason keeps its field and words, never the value', () => {
    expect(reasonKey({ field: 'customer.email', reason: 'invalid email address "a@"' })).toBe(
      'customer.email: invalid email address',
    );
    expect(
      reasonKey({ field: 'vin', reason: 'invalid VIN "1HGCM": need 17 characters, no I, O or Q' }),
    ).toBe('vin: invalid VIN: need 17 characters, no I, O or Q');
  });
});
