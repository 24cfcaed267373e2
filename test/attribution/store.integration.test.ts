import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { rec, spendRow } from './support.ts';
import { shutDown } from '../support/shut-down.ts';

let t: TestHub;
let engine: Engine;
let token: string;
const T = 'store-a';

beforeAll(async () => {
  t = await openTestHub();
  engine = createEngine(t.hub, { queueName: `attr-${randomUUID()}` });
  await t.hub.tenants.create({ id: T, name: 'Acme Ford' });
  token = (await t.hub.apiKeys.create(T, 'marketing', 'm')).token;
  const records = [
    // c1: Meta lead 14 days before, Google click 7 days before, email click on the sale day (Chicago).
    rec(
      'lead',
      'l1',
      { createdAt: '2026-03-03T16:00:00Z', source: 'meta', campaignId: 'm1' },
      'c1',
    ),
    rec(
      'touchpoint',
      'p1',
      { type: 'ad_click', occurredAt: '2026-03-10T16:00:00Z', channel: 'google', campaignId: 'g1' },
      'c1',
    ),
    rec(
      'touchpoint',
      'p2',
      {
        type: 'email_click',
        occurredAt: '2026-03-17T16:00:00Z',
        channel: 'email',
        campaignId: 'e1',
      },
      'c1',
    ),
    rec(
      'touchpoint',
      'p3',
      {
        type: 'email_open',
        occurredAt: '2026-03-17T15:00:00Z',
        channel: 'email',
        campaignId: 'e1',
      },
      'c1',
    ),
    rec(
      'sale',
      's1',
      {
        dealNumber: 'D-1',
        saleDate: '2026-03-17',
        newUsed: 'used',
        price: 2_100_000,
        totalGross: 350_001,
      },
      'c1',
    ),
    // A walk-in, and a medium match (name + postal) with a Google lead the day before.
    rec('sale', 's2', {
      dealNumber: 'D-2',
      saleDate: '2026-03-18',
      newUsed: 'new',
      price: 4_000_000,
      frontGross: 100_000,
      backGross: 50_000,
    }),
    rec(
      'lead',
      'l3',
      { createdAt: '2026-03-17T16:00:00Z', source: 'google', campaignId: 'g1' },
      'c3',
    ),
    rec(
      'sale',
      's3',
      {
        dealNumber: 'D-3',
        saleDate: '2026-03-18',
        newUsed: 'new',
        price: 1_000_000,
        totalGross: 70_000,
      },
      'c3',
      'medium',
    ),
    spendRow('sp1', '2026-03-10', 'google', 'g1', 123_456),
    spendRow('sp2', '2026-03-03', 'meta', 'm1', 50_000),
  ];
  await new RecordStore(t.hub.redis, t.hub.keys).writeMany(
    T,
    records.map((record) => ({ record, expected: 0, sourceConnectionId: 'test', changed: [] })),
  );
  await t.hub.attribution.recompute(T);
});
afterAll(() => shutDown(engine, t));

const rows = (r: Awaited<ReturnType<TestHub['hub']['attribution']['report']>>) =>
  [...r.rows, r.unattributed, r.totals].map((x) => [
    x.channel,
    x.campaignId,
    x.spend,
    x.leads,
    x.sold,
    x.gross,
    x.revenue,
    x.costPerSale,
  ]);

describe('stored attribution', () => {
  it('time decay: 1/7, 2/7, 4/7 of deal D-1, read from the rollups, to the cent', async () => {
    const r = await t.hub.attribution.report(T, {
      from: '2026-03-01',
      to: '2026-03-31',
      model: 'time_decay',
      groupBy: 'campaign',
    });
    // By hand: gross 3500.01 × 1/7 = 500.0014 → 500.00; × 2/7 = 1000.0029 → 1000.00; × 4/7 = 2000.0057 → 2000.01.
    // Price 21000 × 1/7 = 3000, 2/7 = 6000, 4/7 = 12000. D-3: g1 gets 1 (700.00 gross, 10000 price).
    expect(rows(r)).toEqual([
      // sold: 4/7, 2/7 + 1 = 9/7, 1/7 (time_decay sums are exact to 1/10^40: README).
      ['email', 'e1', '0.00', 0, '0.571429', '2000.01', '12000.00', '0.00'],
      ['google', 'g1', '1234.56', 1, '1.285714', '1700.00', '16000.00', '960.21'],
      ['meta', 'm1', '500.00', 1, '0.142857', '500.00', '3000.00', '3500.00'],
      ['unattributed', null, '0.00', 0, '1.000000', '1500.00', '40000.00', '0.00'],
      // 1734.56 / 3 sales = 578.1866… → 578.19
      ['total', null, '1734.56', 2, '3.000000', '5700.01', '71000.00', '578.19'],
    ]);
  });

  it('explains a sale by deal number and through the API; the report is on the API too', async () => {
    const a = await t.hub.attribution.explain(T, { dealNumber: 'D-1' });
    expect(a.touches.map((x) => [x.id, x.credits.time_decay, x.credits.position_based])).toEqual([
      ['lead:l1', '1/7', '2/5'],
      ['touchpoint:p1', '2/7', '1/5'],
      ['touchpoint:p2', '4/7', '2/5'],
    ]);
    const app = createApp(t.hub, engine.service);
    const get = (p: string) => app.request(p, { headers: { authorization: `Bearer ${token}` } });
    const res = await get(`/v1/tenants/${T}/sales/s1/attribution`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { dealNumber: string }).dealNumber).toBe('D-1');
    const rep = await get(
      `/v1/tenants/${T}/reports/attribution?from=2026-03-18&to=2026-03-18&model=linear&groupBy=channel`,
    );
    expect(rep.status).toBe(200);
    const body = (await rep.json()) as {
      rows: { channel: string; soldExact: string }[];
      totals: { soldExact: string };
    };
    expect(body.rows.map((x) => [x.channel, x.soldExact])).toEqual([['google', '1']]);
    expect(body.totals.soldExact).toBe('2');
    expect(
      (await get(`/v1/tenants/${T}/reports/attribution?from=2026-13-01&to=2026-03-18`)).status,
    ).toBe(422);
  });

  it('a settings change recomputes: requiring high confidence leaves D-3 unattributed', async () => {
    await t.hub.settings.update(T, { minMatchConfidence: 'high' });
    // The change no longer matches the stored state: the next catch-up recomputes in full.
    expect(await t.hub.attribution.follower.behind(T)).toBe(true);
    expect((await t.hub.attribution.catchUp(T)).recomputed).toBe(1);
    expect((await t.hub.attribution.follower.progress(T))?.state).toBe('done');
    const r = await t.hub.attribution.report(T, {
      from: '2026-03-18',
      to: '2026-03-18',
      model: 'last_touch',
      groupBy: 'campaign',
    });
    expect(r.rows).toEqual([]);
    expect(r.unattributed.soldExact).toBe('2');
    expect(
      (await t.hub.attribution.explain(T, { saleId: 's3' })).leftOut.map((x) => x.reason),
    ).toEqual(['match_below_minimum']);
  });
});
