import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { FieldMeta, StoredRecord } from '../../src/records/merge.ts';
import { decodeBody, encodeBody } from '../../src/records/record-store.ts';

const metaArb: fc.Arbitrary<FieldMeta> = fc.oneof(
  fc.record({ src: fc.constantFrom('hubspot', 'meta', 'hub'), at: fc.integer({ min: 0 }) }),
  fc.record({
    src: fc.constantFrom('hubspot', 'meta'),
    at: fc.integer({ min: 0 }),
    o: fc.constantFrom('hubspot', 'hub'),
  }),
);
const pathArb = fc.constantFrom('email', 'firstName', 'phone', 'customer.email', 'stage', 'x.y.z');

/** Records whose metadata mostly shares one source and time, with every kind of exception. */
const recordArb: fc.Arbitrary<StoredRecord> = fc
  .record({
    shared: metaArb,
    fields: fc.dictionary(pathArb, fc.oneof(fc.string(), fc.integer(), fc.array(fc.string()))),
    own: fc.dictionary(pathArb, metaArb), // fields with metadata of their own (or meta only)
    bare: fc.array(pathArb), // fields without metadata
    customerId: fc.option(fc.constant('cus_1'), { nil: undefined }),
  })
  .map(({ shared, fields, own, bare, customerId }) => {
    const m: Record<string, FieldMeta> = {};
    const none = new Set<string>(bare);
    for (const p of Object.keys(fields)) if (!none.has(p)) m[p] = { ...shared };
    Object.assign(m, own);
    const r: StoredRecord = { id: 'cus_1', entity: 'customer', v: 3, f: fields, m };
    if (customerId) r.customerId = customerId;
    return r;
  });

describe('stored record bodies', () => {
  it('decode(encode(record)) gives the record back, field metadata included', () => {
    fc.assert(
      fc.property(recordArb, (r) => {
        expect(decodeBody(r.id, r.entity, encodeBody(r))).toEqual(r);
      }),
      { numRuns: 2_000 },
    );
  });

  it('stores shared metadata once, and can leave it out when read', () => {
    const r: StoredRecord = {
      id: 'cus_1',
      entity: 'customer',
      v: 1,
      f: { email: 'a@b.com', phone: '+15125550101' },
      m: { email: { src: 'hubspot', at: 5 }, phone: { src: 'hubspot', at: 5 } },
    };
    const stored = encodeBody(r);
    expect(stored.startsWith('1|')).toBe(true); // the version leads the body
    expect(JSON.parse(stored.slice(2))).toEqual({ f: r.f, d: ['hubspot', 5] });
    expect(decodeBody('cus_1', 'customer', stored, false)).toEqual({ ...r, m: {} });
    expect(decodeBody('cus_1', 'customer', encodeBody(r, 7)).v).toBe(7);
  });
});
