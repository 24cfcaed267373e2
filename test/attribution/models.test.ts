import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';

import { attributeSale } from '../../src/attribution/attribute.ts';
import { Frac } from '../../src/attribution/fraction.ts';
import {
  credits,
  DECAY_DIGITS,
  modelWeights,
  quantize,
  quantizedNumerators,
  quantizedWeights,
  ratios,
} from '../../src/attribution/models.ts';
import { buildTouches } from '../../src/attribution/touches.ts';
import { MODELS, type Touch } from '../../src/attribution/types.ts';
import { DEFAULT_SETTINGS } from '../../src/tenants/settings.ts';
import { saleInput as sale } from './support.ts';

const s = (fs: Frac[]) => fs.map(String);

describe('credits per model, hand-checked', () => {
  it('last, first, linear', () => {
    expect(s(credits('last_touch', [9, 4, 0], 7))).toEqual(['0', '0', '1']);
    expect(s(credits('first_touch', [9, 4, 0], 7))).toEqual(['1', '0', '0']);
    expect(s(credits('linear', [9, 4, 0], 7))).toEqual(['1/3', '1/3', '1/3']);
  });

  it('position based: 1, 0.5/0.5, 0.4 / 0.2 spread / 0.4', () => {
    expect(s(credits('position_based', [0], 7))).toEqual(['1']);
    expect(s(credits('position_based', [3, 0], 7))).toEqual(['1/2', '1/2']);
    expect(s(credits('position_based', [3, 2, 0], 7))).toEqual(['2/5', '1/5', '2/5']);
    expect(s(credits('position_based', [3, 2, 1, 0], 7))).toEqual(['2/5', '1/10', '1/10', '2/5']);
  });

  it('time decay: touches 14, 7 and 0 days before the sale at half-life 7 get exactly 1/7, 2/7, 4/7', () => {
    expect(s(credits('time_decay', [14, 7, 0], 7))).toEqual(['1/7', '2/7', '4/7']);
    expect(s(credits('time_decay', [5, 5], 7))).toEqual(['1/2', '1/2']);
  });

  it('time decay between powers of two: 0.5^(1/7) to 40 digits, credits still summing to 1', () => {
    const [older, newer] = credits('time_decay', [1, 0], 7);
    expect(older!.add(newer!).equals(Frac.ONE)).toBe(true);
    // w(older)/w(newer) = 0.5^(1/7) = 0.90572366426390667159417287321510318770044588...
    expect(older!.div(newer!).toFixed(30)).toBe('0.905723664263906671594172873215');
    const q = quantize([older!, newer!]);
    expect(q[0]!.add(q[1]!).equals(Frac.ONE)).toBe(true);
  });

  it("time decay quantized over the weights' own denominator as over their ratios, ties included", () => {
    const cases = [[0], [1, 0], [14, 7, 0], [5, 5], [3, 3, 3], [89, 40, 40, 2, 1, 0], [90, 0, 0]];
    for (let i = 0; i < 200; i++)
      cases.push(Array.from({ length: 1 + (i % 9) }, (_, j) => (i * 37 + j * 53) % 91));
    for (const h of [1, 7, 30])
      for (const deltas of cases) {
        const w = modelWeights('time_decay', deltas, h);
        expect(quantizedWeights(w), `${deltas.join(',')} at ${h}`).toEqual(
          quantizedNumerators(ratios(w)),
        );
      }
  });
});

const touch = (id: string, iso: string, channel = 'google', campaignId = 'g1'): Touch => ({
  id,
  customerId: 'c1',
  t: Date.parse(iso),
  channel,
  campaignId,
  type: 'lead',
  sources: [id],
});

describe('the window, in tenant dates', () => {
  it('takes D − lookback ... D, leaves out older and later touches with the reason', () => {
    const a = attributeSale(
      sale(),
      [
        touch('lead:a', '2026-04-01T04:30:00Z'), // 23:30 on 03-31 in Chicago: same day, counts
        touch('lead:b', '2026-04-01T06:00:00Z'), // 04-01 in Chicago: after the sale
        touch('lead:c', '2025-12-31T18:00:00Z'), // D − 90: counts
        touch('lead:d', '2025-12-30T18:00:00Z'), // D − 91: too old
      ],
      DEFAULT_SETTINGS,
    );
    expect(a.touches.map((t) => [t.id, t.date, t.delta])).toEqual([
      ['lead:c', '2025-12-31', 90],
      ['lead:a', '2026-03-31', 0],
    ]);
    expect(a.leftOut.map((t) => [t.id, t.reason])).toEqual([
      ['lead:d', 'before_lookback'],
      ['lead:b', 'after_sale'],
    ]);
    expect(a.touches[1]!.credits).toEqual({
      last_touch: '1',
      first_touch: '0',
      linear: '1/2',
      time_decay: expect.any(String),
      position_based: '1/2',
    });
  });

  it('breaks ties in time by touch id, and a medium match counts as none when high is required', () => {
    const same = '2026-03-20T15:00:00Z';
    const a = attributeSale(
      sale(),
      [touch('touchpoint:z', same), touch('lead:y', same)],
      DEFAULT_SETTINGS,
    );
    expect(a.touches.map((t) => t.id)).toEqual(['lead:y', 'touchpoint:z']);
    const m = attributeSale(
      sale({ matchKey: 'namePostal', matchConfidence: 'medium' }),
      [touch('lead:y', same)],
      { ...DEFAULT_SETTINGS, minMatchConfidence: 'high' },
    );
    expect([m.matched, m.touches, m.leftOut.map((t) => t.reason)]).toEqual([
      false,
      [],
      ['match_below_minimum'],
    ]);
    for (const model of MODELS) expect(credits(model, [], 7)).toEqual([]);
  });
});

describe('touches from leads and touchpoints', () => {
  it('counts a touchpoint naming a lead, or an ad click with the lead click id, once at the lead time', () => {
    const t = buildTouches(
      [
        {
          id: 'l1',
          customerId: 'c1',
          createdAt: 2000,
          channel: 'google',
          campaignId: 'g1',
          clickIds: ['GCL'],
        },
      ],
      [
        {
          id: 'p1',
          customerId: 'c1',
          type: 'form_fill',
          occurredAt: 1900,
          channel: 'website',
          campaignId: '',
          leadId: 'l1',
          clickIds: [],
        },
        {
          id: 'p2',
          customerId: 'c1',
          type: 'ad_click',
          occurredAt: 1000,
          channel: 'google',
          campaignId: 'g1',
          clickIds: ['GCL'],
        },
        {
          id: 'p3',
          customerId: 'c1',
          type: 'email_open',
          occurredAt: 1500,
          channel: 'email',
          campaignId: 'e1',
          clickIds: [],
        },
        {
          id: 'p4',
          customerId: 'c1',
          type: 'email_bounce',
          occurredAt: 1500,
          channel: 'email',
          campaignId: 'e1',
          clickIds: [],
        },
        {
          id: 'p5',
          customerId: 'c1',
          type: 'email_click',
          occurredAt: 1600,
          channel: 'email',
          campaignId: 'e1',
          clickIds: [],
        },
        {
          id: 'p6',
          customerId: null,
          type: 'ad_click',
          occurredAt: 1600,
          channel: 'meta',
          campaignId: 'm1',
          clickIds: [],
        },
      ],
    );
    expect(t.map((x) => [x.id, x.t, x.sources])).toEqual([
      ['touchpoint:p5', 1600, ['touchpoint:p5']],
      ['lead:l1', 2000, ['lead:l1', 'touchpoint:p1', 'touchpoint:p2']],
    ]);
  });
});

describe('time decay weights', () => {
  // 2^(e/h) to 60 digits (its exponent rounded to 60 too), then to the 40 kept: the correct
  // rounding unless a value lies within 10^-20 of a rounding boundary (none of these does).
  const D60 = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });
  const reference = (e: number, h: number) =>
    new D60(2).pow(new D60(e).div(h)).toSignificantDigits(DECAY_DIGITS, Decimal.ROUND_HALF_EVEN);

  it('2^(e/h) correctly rounded to DECAY_DIGITS significant digits, powers of two exact', () => {
    for (const h of [2, 3, 7, 30, 365])
      for (const e of [0, 1, 2, 5, 13, 89, 90, 364, 366, 729, 730]) {
        // Touches e days and 0 days old: the newer one weighs 2^(e/h) times the older one.
        const w = modelWeights('time_decay', [e, 0], h);
        const ratio = new D60(w.nums[1]!.toString()).div(w.nums[0]!.toString());
        if (e % h === 0) expect(w.nums[1]).toBe(2n ** BigInt(e / h) * w.nums[0]!);
        else expect(ratio.toFixed(), `e ${e}, h ${h}`).toBe(reference(e, h).toFixed());
      }
  });
});
