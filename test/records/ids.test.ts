import { describe, expect, it } from 'vitest';

import { derivedRecordId, newRecordId, timeBucket } from '../../src/records/ids.ts';

const ID = /^(cus|led)_[0-9a-f]{20}$/;

describe('record ids', () => {
  it('keep their shape: entity prefix, then 20 hex characters', () => {
    expect(newRecordId('customer')).toMatch(ID);
    expect(derivedRecordId('lead', 'seed', 'k1', Date.UTC(2026, 11, 7))).toMatch(ID);
  });

  it('derive the same id from the same page and key, and another from another key or page', () => {
    const at = Date.UTC(2026, 11, 7, 10, 0, 0);
    const id = derivedRecordId('customer', 'raw/page-1', 'c-1', at);
    expect(derivedRecordId('customer', 'raw/page-1', 'c-1', at)).toBe(id);
    expect(derivedRecordId('customer', 'raw/page-1', 'c-2', at)).not.toBe(id);
    expect(derivedRecordId('customer', 'raw/page-2', 'c-1', at)).not.toBe(id);
  });

  it('start with the second they were made, so ids of one second sit together in id order', () => {
    const at = Date.UTC(2026, 11, 7, 10, 0, 0, 250);
    const sameSecond = Array.from({ length: 50 }, (_, i) =>
      derivedRecordId('customer', 'raw/p', `c-${i}`, at + (i % 700)),
    );
    const bucket = timeBucket(at);
    expect(bucket).toMatch(/^[0-9a-f]{4}$/);
    for (const id of sameSecond) expect(id.slice(4, 8)).toBe(bucket);
    // Ids of the next second sort after every id of this one (within the 2^16 s cycle).
    const next = newRecordId('customer', at + 1000);
    expect(sameSecond.every((id) => id < next)).toBe(true);
    expect(timeBucket(at + 65_536_000)).toBe(bucket); // the cycle wraps: only placement depends on it
  });
});
