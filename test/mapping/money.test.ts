import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatMajorUnits, parseMinorUnits } from '../../src/mapping/transforms/money.ts';
import { moneyStyles as styles } from '../support/money.ts';

describe('money in integer cents', () => {
  it.each([
    ['$1,234.56', 123456],
    ['(123.45)', -12345],
    ['1234.5', 123450],
    [1234.5, 123450],
    [0.1 + 0.2, 30],
    ['123.45-', -12345],
    ['$2,072.505', 207251],
    ['-0.005', -1],
    ['.5', 50],
    ['USD 10', 1000],
    [1e-7, 0],
  ])('parses %j exactly as %j cents', (input, cents) => {
    expect(parseMinorUnits(input)).toBe(cents);
  });

  it.each([
    ['12,34'],
    ['1.2.3'],
    ['abc'],
    [''],
    ['$'],
    [Number.NaN],
    ['1e400'],
    ['99999999999999999'],
  ])('refuses %j', (input) => {
    expect(parseMinorUnits(input)).toBeUndefined();
  });

  it('reads micros and minor units', () => {
    expect(parseMinorUnits('12340000', 2, 'micros')).toBe(1234);
    expect(parseMinorUnits('12345000', 2, 'micros')).toBe(1235); // half a cent rounds away from 0
    expect(parseMinorUnits('207250', 2, 'minor')).toBe(207250);
  });

  it('sums 100,000 generated amounts, written every way systems write them, to the exact cent', () => {
    const amounts = fc.sample(
      fc.tuple(fc.integer({ min: -5_000_000, max: 50_000_000 }), fc.nat(5)),
      { numRuns: 100_000, seed: 20_250_621 },
    );
    let exact = 0n;
    let parsed = 0;
    let float = 0;
    for (const [cents, style] of amounts) {
      const texts = styles(cents);
      const text = texts[style % texts.length]!;
      exact += BigInt(cents);
      const got = parseMinorUnits(text);
      if (got !== cents) expect({ text, got }).toEqual({ text, got: cents });
      parsed += got!;
      float += Number(
        text
          .replace(/[$,\sUSD+]/g, '')
          .replace(/^\((.*)\)$/, '-$1')
          .replace(/^(.*)-$/, '-$1'),
      );
    }
    expect(BigInt(parsed)).toBe(exact);
    expect(Number.isSafeInteger(parsed)).toBe(true);
    // the float sum of the same dollar amounts does not land on the cent total exactly
    expect(float * 100).not.toBe(parsed);
  });

  it('writes cents back as major units and reads them again unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        (c) => {
          expect(parseMinorUnits(formatMajorUnits(c))).toBe(c);
        },
      ),
      { numRuns: 2000 },
    );
    expect(formatMajorUnits(5)).toBe('0.05');
    expect(formatMajorUnits(-123456)).toBe('-1234.56');
    expect(formatMajorUnits(1234, 0)).toBe('1234');
  });
});
