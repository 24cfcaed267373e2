import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { attributeCore, attributeSale } from '../../src/attribution/attribute.ts';
import { contributions } from '../../src/attribution/contributions.ts';
import { decodeAttribution, encodeAttribution } from '../../src/attribution/stored-attribution.ts';
import { MODELS, type SaleInput, type Touch } from '../../src/attribution/types.ts';
import { DEFAULT_SETTINGS } from '../../src/tenants/settings.ts';
import { saleInput } from './support.ts';

const DAY = 86_400_000;
const SALE_AT = Date.parse('2026-03-31T17:00:00Z');

const sale = (over: Partial<SaleInput> = {}) => saleInput({ grossCents: 250_001, ...over });

const touchArb = fc.record({
  id: fc.constantFrom('lead:a', 'lead:b', 'touchpoint:c', 'touchpoint:"d,\\', 'lead:é'),
  customerId: fc.constantFrom('c1', 'c1', 'c2'),
  // From 120 days before the sale to 5 days after it, any time of day.
  t: fc.integer({ min: -120 * DAY, max: 5 * DAY }).map((d) => SALE_AT + d),
  channel: fc.constantFrom('google', 'meta', 'email'),
  campaignId: fc.constantFrom('', 'g1', 'm-"2"', 'e/3'),
  type: fc.constantFrom('lead', 'ad_click', 'email_click'),
  extra: fc.array(fc.constantFrom('touchpoint:x', 'touchpoint:y'), { maxLength: 2 }),
});
const touchesArb = fc.array(touchArb, { maxLength: 9 }).map((ts) =>
  ts.map(({ extra, ...t }, i): Touch => ({
    ...t,
    id: `${t.id}${i}`,
    sources: [`${t.id}${i}`, ...extra],
  })),
);
const settingsArb = fc.record({
  timeZone: fc.constantFrom('America/Chicago', 'UTC', 'Asia/Kolkata'),
  lookbackDays: fc.integer({ min: 1, max: 120 }),
  halfLifeDays: fc.integer({ min: 1, max: 30 }),
  minMatchConfidence: fc.constantFrom('high' as const, 'medium' as const),
});
const saleArb = fc.record({
  customerId: fc.constantFrom('c1', null),
  matchConfidence: fc.constantFrom('high' as const, 'medium' as const),
  dealNumber: fc.constantFrom('D1', 'D/"2"'),
});

describe('a sale attribution as stored', () => {
  it('reads back as what attributeSale gives without leftOut, credits spelled out exactly', () => {
    fc.assert(
      fc.property(touchesArb, settingsArb, saleArb, (touches, settings, over) => {
        const s = sale(over);
        const text = encodeAttribution(attributeCore(s, touches, settings));
        const expected = attributeSale(s, touches, settings, false);
        const read = decodeAttribution(text);
        expect(read).toEqual(expected);
        // The same fields in the same order: the API answers explain with it as it is.
        expect(JSON.stringify(read)).toBe(JSON.stringify(expected));
        // Credits read back add up as those computed (incremental rollup changes use both).
        for (const m of MODELS) expect(contributions(read, m)).toEqual(contributions(expected, m));
      }),
      { numRuns: 300 },
    );
  });

  it('is the version 2 array, the time-decay weights stored once per sale', () => {
    const touches: Touch[] = [0, 7, 14].map((d, i) => ({
      id: `lead:l${i}`,
      customerId: 'c1',
      t: SALE_AT - d * DAY,
      channel: 'google',
      campaignId: 'g1',
      type: 'lead',
      sources: [`lead:l${i}`],
    }));
    const text = encodeAttribution(attributeCore(sale(), touches, DEFAULT_SETTINGS));
    expect(JSON.parse(text)).toEqual([
      2,
      's1',
      'D1',
      '2026-03-31',
      'c1',
      'email',
      'high',
      1,
      3_000_000,
      250_001,
      [
        ['lead:l2', SALE_AT - 14 * DAY, 'lead', 'google', 'g1', 0, 14, 0],
        ['lead:l1', SALE_AT - 7 * DAY, 'lead', 'google', 'g1', 0, 7, 0],
        ['lead:l0', SALE_AT, 'lead', 'google', 'g1', 0, 0, 0],
      ],
      ['1', '2', '4'],
    ]);
    expect(decodeAttribution(text).touches.map((t) => t.credits.time_decay)).toEqual([
      '1/7',
      '2/7',
      '4/7',
    ]);
  });

  it('reads the version 1 JSON a hub in service still holds; refuses an unknown version', () => {
    const touches: Touch[] = [
      {
        id: 'lead:a',
        customerId: 'c1',
        t: SALE_AT - 3 * DAY,
        channel: 'meta',
        campaignId: 'm1',
        type: 'lead',
        sources: ['lead:a', 'touchpoint:p'],
      },
    ];
    const a = attributeSale(sale(), touches, DEFAULT_SETTINGS, false);
    const v1 = JSON.stringify({ ...a, leftOut: [] });
    expect(decodeAttribution(v1)).toEqual(a);
    expect(() => decodeAttribution('[3,"s1"]')).toThrow('stored attribution of unknown version 3');
  });
});
