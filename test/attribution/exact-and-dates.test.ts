import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';

import { dayNumber, tenantDay } from '../../src/attribution/dates.ts';
import { Frac } from '../../src/attribution/fraction.ts';

/** Plain Euclid: the reference the fast reduction must agree with. */
const euclid = (a: bigint, b: bigint): bigint => {
  while (b) [a, b] = [b, a % b];
  return a;
};

/** A seeded bigint of up to `bits` bits. */
function bigOf(next: () => number, bits: number): bigint {
  let x = 0n;
  for (let i = 0; i < bits; i += 30) x = (x << 30n) | BigInt(Math.floor(next() * 2 ** 30));
  return x >> BigInt(Math.floor(next() * bits));
}

describe('Frac reduction', () => {
  it('reduces like Euclid over small, large and 2^a·5^b (time_decay) denominators', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const pow = (p: bigint) => p ** BigInt(Math.floor(next() * 41));
    let checked = 0;
    for (let i = 0; i < 20_000; i++) {
      let n = bigOf(next, 180);
      const d = [pow(2n) * pow(5n), bigOf(next, 60) + 1n, bigOf(next, 200) + 1n][i % 3]!;
      if (i % 5 === 0) n *= pow(2n) * pow(5n);
      if (i % 7 === 0) n = -n;
      const g = euclid(n < 0n ? -n : n, d);
      const f = new Frac(n, d);
      expect([f.n, f.d]).toEqual([n / g, d / g]);
      checked++;
    }
    expect(new Frac(0n, 10n ** 40n)).toEqual(Frac.ZERO);
    expect(new Frac(6n * 10n ** 39n, 10n ** 40n).toString()).toBe('3/5');
    expect(checked).toBe(20_000);
  });
});

describe('tenantDay', () => {
  it('is the date luxon gives in the zone, across DST transitions and odd offsets', () => {
    const zones = ['America/Chicago', 'Europe/London', 'Australia/Lord_Howe', 'America/St_Johns'];
    const zones2 = ['Pacific/Chatham', 'Asia/Kolkata', 'America/Sao_Paulo', 'UTC'];
    let checked = 0;
    for (const tz of [...zones, ...zones2])
      for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2026, 0, 1); ms += 17 * 60_000 + 13_000) {
        const want = dayNumber(DateTime.fromMillis(ms, { zone: tz }).toISODate()!);
        if (tenantDay(ms, tz) !== want) expect({ tz, ms, day: tenantDay(ms, tz) }).toEqual(want);
        checked++;
      }
    expect(checked).toBeGreaterThan(300_000);
  });
});
