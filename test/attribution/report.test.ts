import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { attributeSale, type SaleAttribution } from '../../src/attribution/attribute.ts';
import { computeReport } from '../../src/attribution/compute-report.ts';
import { Frac } from '../../src/attribution/fraction.ts';
import { buildTouches } from '../../src/attribution/touches.ts';
import {
  MODELS,
  type LeadInput,
  type SaleInput,
  type SpendInput,
} from '../../src/attribution/types.ts';
import { DEFAULT_SETTINGS } from '../../src/tenants/settings.ts';

const DAY = 86_400_000;
const BASE = Date.parse('2026-01-01T18:00:00Z');
const dateOf = (day: number) => new Date(BASE + day * DAY).toISOString().slice(0, 10);
const cents = (s: string) => BigInt(s.replace('.', ''));

describe('report, hand-checked', () => {
  it('splits gross by credit, rounds once half away from zero, and sums rows into totals', () => {
    const leads: LeadInput[] = [
      {
        id: 'l1',
        customerId: 'c1',
        createdAt: BASE,
        channel: 'meta',
        campaignId: 'm1',
        clickIds: [],
      },
      {
        id: 'l2',
        customerId: 'c1',
        createdAt: BASE + 2 * DAY,
        channel: 'google',
        campaignId: 'g1',
        clickIds: [],
      },
    ];
    const sales: SaleInput[] = [
      // 1 cent of gross split in halves: 0.5 cent each, rounded once per row to 1 cent.
      {
        id: 's1',
        dealNumber: 'D1',
        saleDate: dateOf(3),
        customerId: 'c1',
        matchKey: 'email',
        matchConfidence: 'high',
        priceCents: 3,
        grossCents: 1,
      },
      {
        id: 's2',
        dealNumber: 'D2',
        saleDate: dateOf(3),
        customerId: null,
        matchKey: null,
        matchConfidence: null,
        priceCents: 100,
        grossCents: 50,
      },
    ];
    const spend: SpendInput[] = [
      { date: dateOf(0), channel: 'meta', campaignId: 'm1', amountCents: 1000 },
      { date: dateOf(1), channel: 'google', campaignId: 'g1', amountCents: 333 },
      { date: dateOf(1), channel: 'google', campaignId: 'g2', amountCents: 500 },
    ];
    const touches = buildTouches(leads, []);
    const attributed = sales.map((s) =>
      attributeSale(s, s.customerId ? touches : [], DEFAULT_SETTINGS),
    );
    const r = computeReport({
      from: dateOf(0),
      to: dateOf(3),
      model: 'linear',
      groupBy: 'campaign',
      timeZone: 'America/Chicago',
      sales: attributed,
      leads,
      spend,
    });
    expect(
      r.rows.map((x) => [
        x.channel,
        x.campaignId,
        x.spend,
        x.leads,
        x.soldExact,
        x.gross,
        x.revenue,
        x.costPerLead,
        x.costPerSale,
        x.roas,
      ]),
    ).toEqual([
      ['google', 'g1', '3.33', 1, '1/2', '0.01', '0.02', '3.33', '6.66', '0.0030'],
      ['google', 'g2', '5.00', 0, '0', '0.00', '0.00', null, null, '0.0000'],
      ['meta', 'm1', '10.00', 1, '1/2', '0.01', '0.02', '10.00', '20.00', '0.0010'],
    ]);
    expect(r.unattributed).toMatchObject({
      soldExact: '1',
      gross: '0.50',
      revenue: '1.00',
      spend: '0.00',
    });
    expect(r.totals).toMatchObject({
      spend: '18.33',
      leads: 2,
      soldExact: '2',
      gross: '0.52',
      revenue: '1.04',
      costPerSale: '9.17',
      costPerLead: '9.17',
      roas: '0.0284',
    });
  });
});

const world = fc.record({
  leads: fc.array(
    fc.record({
      c: fc.integer({ min: 0, max: 4 }),
      day: fc.integer({ min: 0, max: 200 }),
      ms: fc.integer({ min: 0, max: DAY - 1 }),
      ch: fc.constantFrom('meta', 'google', 'email'),
      camp: fc.constantFrom('', 'a', 'b'),
    }),
    { maxLength: 25 },
  ),
  sales: fc.array(
    fc.record({
      c: fc.option(fc.integer({ min: 0, max: 4 })),
      day: fc.integer({ min: 0, max: 200 }),
      price: fc.integer({ min: 0, max: 9_000_000 }),
      gross: fc.integer({ min: -50_000, max: 900_000 }),
      medium: fc.boolean(),
    }),
    { maxLength: 12 },
  ),
  spend: fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: 200 }),
      ch: fc.constantFrom('meta', 'google'),
      camp: fc.constantFrom('a', 'b', 'z'),
      amount: fc.integer({ min: 0, max: 500_000 }),
    }),
    { maxLength: 10 },
  ),
  lookbackDays: fc.integer({ min: 0, max: 120 }),
  halfLifeDays: fc.integer({ min: 1, max: 30 }),
  minMatchConfidence: fc.constantFrom('medium' as const, 'high' as const),
  range: fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 })),
});
type World = typeof world extends fc.Arbitrary<infer W> ? W : never;

function build(w: World) {
  const settings = { ...DEFAULT_SETTINGS, ...w };
  const leads: LeadInput[] = w.leads.map((l, i) => ({
    id: `l${i}`,
    customerId: `c${l.c}`,
    createdAt: BASE + l.day * DAY + l.ms,
    channel: l.ch,
    campaignId: l.camp,
    clickIds: [],
  }));
  const touches = buildTouches(leads, []);
  const sales = w.sales.map((s, i): SaleAttribution => {
    const cust = s.c === null ? null : `c${s.c}`;
    const input: SaleInput = {
      id: `s${i}`,
      dealNumber: `D${i}`,
      saleDate: dateOf(s.day),
      customerId: cust,
      matchKey: cust ? 'email' : null,
      matchConfidence: cust ? (s.medium ? 'medium' : 'high') : null,
      priceCents: s.price,
      grossCents: s.gross,
    };
    return attributeSale(
      input,
      touches.filter((t) => t.customerId === cust),
      settings,
    );
  });
  const spend = w.spend.map((s) => ({
    date: dateOf(s.day),
    channel: s.ch,
    campaignId: s.camp,
    amountCents: s.amount,
  }));
  const [a, b] = w.range;
  return { leads, sales, spend, from: dateOf(Math.min(a, b)), to: dateOf(Math.max(a, b)) };
}

describe('properties over generated timelines', () => {
  it('credits of an attributed sale sum to exactly 1 under every model', () => {
    fc.assert(
      fc.property(world, (w) => {
        for (const sale of build(w).sales)
          if (sale.touches.length)
            for (const m of MODELS)
              expect(
                sale.touches
                  .reduce((a, t) => a.add(Frac.parse(t.credits[m])), Frac.ZERO)
                  .toString(),
              ).toBe('1');
      }),
    );
  });

  it('totals are the sums of the rows, and attributed + unattributed = the sales in range', () => {
    fc.assert(
      fc.property(
        world,
        fc.constantFrom(...MODELS),
        fc.constantFrom('campaign' as const, 'channel' as const),
        (w, model, groupBy) => {
          const b = build(w);
          const r = computeReport({ ...b, model, groupBy, timeZone: DEFAULT_SETTINGS.timeZone });
          const all = [...r.rows, r.unattributed];
          const sum = (f: (x: (typeof all)[number]) => bigint) =>
            all.reduce((a, x) => a + f(x), 0n);
          expect(cents(r.totals.spend)).toBe(sum((x) => cents(x.spend)));
          expect(cents(r.totals.gross)).toBe(sum((x) => cents(x.gross)));
          expect(cents(r.totals.revenue)).toBe(sum((x) => cents(x.revenue)));
          expect(r.totals.leads).toBe(all.reduce((a, x) => a + x.leads, 0));
          const inRange = b.sales.filter((s) => s.saleDate >= b.from && s.saleDate <= b.to);
          expect(r.totals.soldExact).toBe(String(inRange.length));
          expect(r.unattributed.soldExact).toBe(
            String(inRange.filter((s) => !s.touches.length).length),
          );
        },
      ),
    );
  });
});
