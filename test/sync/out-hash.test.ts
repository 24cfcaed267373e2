import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { stableStringify } from '../../src/sync/out-hash.ts';

/** The plain definition: JSON with every object's keys sorted by Array#sort. */
function reference(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(',')}}`;
}

describe('stableStringify', () => {
  it('equals JSON with sorted keys, for small and large objects, nested, with undefined left out', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.constantFrom('a', 'b', 'ä', 'Z', '10', '9'),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.constant(undefined),
        ),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(key, tie('node'), { maxKeys: 40 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 40 }), (o) => {
        expect(stableStringify(o)).toBe(reference(o));
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the same text whatever the key order', () => {
    expect(stableStringify({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe(
      stableStringify({ a: { c: 'x', d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
  });
});
