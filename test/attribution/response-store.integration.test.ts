import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { ResponseTimeReader } from '../../src/attribution/response-store.ts';
import { flatten } from '../../src/records/flat.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { shutDown } from '../support/shut-down.ts';

let t: TestHub;
let engine: Engine;
let token: string;
const T = 'rt-store';
const MIN = 60_000;
const HOUR = 60 * MIN;
// 2026-03-10 09:00 in Chicago (CDT, UTC-5).
const T0 = Date.parse('2026-03-10T14:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const rec = (
  entity: string,
  id: string,
  body: Record<string, unknown>,
  customerId: string,
): StoredRecord => ({
  id,
  entity,
  v: 1,
  customerId,
  matchKey: 'email',
  matchConfidence: 'high',
  f: flatten(body),
  m: {},
});
const lead = (id: string, c: string, at: number, assignedTo?: string) =>
  rec('lead', id, { createdAt: iso(at), source: 'meta', ...(assignedTo ? { assignedTo } : {}) }, c);
const act = (id: string, c: string, at: number, more: Record<string, unknown>) =>
  rec('activity', id, { type: 'call', direction: 'outbound', occurredAt: iso(at), ...more }, c);

beforeAll(async () => {
  t = await openTestHub();
  engine = createEngine(t.hub, { queueName: `rt-${crypto.randomUUID()}` });
  await t.hub.tenants.create({ id: T, name: 'Accountable Motors' });
  await t.hub.settings.update(T, { responseSlaMinutes: 10 });
  token = (await t.hub.apiKeys.create(T, 'marketing', 'm')).token;
  const records = [
    // Ann: answered in 4 min (Cal calls), in exactly 10 min (the SLA), and in 30 min by text.
    lead('l1', 'c1', T0, 'Ann'),
    act('a1', 'c1', T0 + 4 * MIN, { user: 'Cal' }),
    lead('l2', 'c2', T0 + HOUR, 'Ann'),
    act('a2', 'c2', T0 + HOUR + 10 * MIN, { user: 'Ann' }),
    lead('l3', 'c3', T0 + 2 * HOUR, 'Ann'),
    act('a3x', 'c3', T0 + 2 * HOUR - MIN, { user: 'Ann' }), // before the lead: not an answer
    act('a3y', 'c3', T0 + 2 * HOUR + MIN, { user: 'Ann', direction: 'inbound' }), // inbound
    act('a3z', 'c3', T0 + 2 * HOUR + 2 * MIN, { user: 'Ann', type: 'visit' }), // not a response type
    act('a3', 'c3', T0 + 2 * HOUR + 30 * MIN, { user: 'Ann', type: 'text' }),
    // Bob: answered after exactly 24 h (answered), after 24 h + 1 min (unanswered), never.
    lead('l4', 'c4', T0 + 3 * HOUR, 'Bob'),
    act('a4', 'c4', T0 + 27 * HOUR, { user: 'Bob', type: 'email' }),
    lead('l5', 'c5', T0 + 4 * HOUR, 'Bob'),
    act('a5', 'c5', T0 + 28 * HOUR + MIN, { user: 'Bob' }),
    lead('l6', 'c6', T0 + 5 * HOUR, 'Bob'),
    // No one assigned, created 2026-03-11 23:30 Chicago: younger than 24 h at `now`, pending.
    lead('l7', 'c7', Date.parse('2026-03-12T04:30:00Z')),
    // Out of range: 2026-03-12 00:30 in Chicago (05:30Z), answered at once.
    lead('l8', 'c8', Date.parse('2026-03-12T05:30:00Z'), 'Ann'),
    act('a8', 'c8', Date.parse('2026-03-12T05:31:00Z'), { user: 'Ann' }),
  ];
  await new RecordStore(t.hub.redis, t.hub.keys).writeMany(
    T,
    records.map((record) => ({ record, expected: 0, sourceConnectionId: 'test', changed: [] })),
  );
});
afterAll(() => shutDown(engine, t));

describe('response time read from the access paths', () => {
  const NOW = Date.parse('2026-03-12T12:00:00Z');

  it('per store and salesperson, to the ms, by hand', async () => {
    const r = await new ResponseTimeReader(t.hub.redis, t.hub.keys, t.hub.settings).report(
      T,
      { from: '2026-03-10', to: '2026-03-11' },
      NOW,
    );
    // Answered: 4m, 10m, 30m, 24h, 24h01m → sorted [4m, 10m, 30m, 24h, 24h1m].
    // Median: rank 2 → 30 min. p90: rank 0.9 × 4 = 3.6 → 24h + 0.6 × 1m = 24h 36s.
    // Within the SLA of 10 min: 4m and 10m (exactly) → 2 of 7 leads.
    expect(r.slaMinutes).toBe(10);
    expect(r.store).toEqual({
      leads: 7,
      answered: 5,
      medianMs: 30 * MIN,
      p90Ms: 24 * HOUR + 36_000,
      withinSla: '2/7',
      withinSlaShare: '0.2857',
      unanswered: 2,
      pending: 1,
    });
    const people = Object.fromEntries(
      r.salespeople.map(({ salesperson, ...s }) => [salesperson, s]),
    );
    expect(Object.keys(people)).toEqual(['(unassigned)', 'Ann', 'Bob', 'Cal']);
    // Ann: l2 (10m), l3 (30m) → median 20m, p90 rank 0.9 → 10m + 0.9 × 20m = 28m.
    expect(people.Ann).toMatchObject({
      leads: 2,
      answered: 2,
      medianMs: 20 * MIN,
      p90Ms: 28 * MIN,
    });
    expect(people.Ann!.withinSla).toBe('1/2');
    expect(people.Cal).toMatchObject({ leads: 1, medianMs: 4 * MIN, withinSla: '1/1' });
    // Bob: 24h and 24h1m answered → median 24h 30s; l6 never; l5 late → 2 unanswered.
    expect(people.Bob).toMatchObject({
      leads: 3,
      answered: 2,
      medianMs: 24 * HOUR + 30_000,
      unanswered: 2,
      pending: 0,
      withinSla: '0/3',
    });
    expect(people['(unassigned)']).toMatchObject({
      leads: 1,
      answered: 0,
      pending: 1,
      unanswered: 0,
    });
    expect(r.unansweredLeads).toEqual([
      {
        leadId: 'l5',
        customerId: 'c5',
        createdAt: iso(T0 + 4 * HOUR),
        salesperson: 'Bob',
        answeredAfterMs: 24 * HOUR + MIN,
      },
      {
        leadId: 'l6',
        customerId: 'c6',
        createdAt: iso(T0 + 5 * HOUR),
        salesperson: 'Bob',
        answeredAfterMs: null,
      },
    ]);
  });

  it('answers on the API, and refuses a range that ends before it starts', async () => {
    const app = createApp(t.hub, engine.service);
    const get = (p: string) => app.request(p, { headers: { authorization: `Bearer ${token}` } });
    const res = await get(`/v1/tenants/${T}/reports/response-time?from=2026-03-12&to=2026-03-12`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { store: { leads: number; medianMs: number } };
    expect(body.store).toMatchObject({ leads: 1, medianMs: MIN });
    const bad = await get(`/v1/tenants/${T}/reports/response-time?from=2026-03-12&to=2026-03-01`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('must not be before from');
  });
});
