import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decodeDestination, encodeDestination } from '../../src/sync/destinations.ts';

describe('destination entries', () => {
  it('decode(encode(entry)) gives the entry back, whatever the destination id holds', () => {
    const entry = fc.record({
      hash: fc.option(
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 40 }),
        { nil: null },
      ),
      v: fc.option(fc.integer({ min: 1 }), { nil: null }),
      id: fc.option(fc.string({ minLength: 1 }), { nil: null }), // may hold '|'
    });
    fc.assert(
      fc.property(entry, (d) => {
        expect(decodeDestination(encodeDestination(d))).toEqual(d);
      }),
      { numRuns: 2_000 },
    );
  });

  it('nothing stored means nothing known', () => {
    expect(decodeDestination(null)).toEqual({ hash: null, v: null, id: null });
    expect(decodeDestination(encodeDestination({ hash: 'ab', v: null, id: 'x|y' }))).toEqual({
      hash: 'ab',
      v: null,
      id: 'x|y',
    });
  });
});
