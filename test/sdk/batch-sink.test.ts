import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { sendSplitting } from '../../src/sdk/batch-sink.ts';
import { PermanentError, RetryableError } from '../../src/sdk/errors.ts';

/** A vendor that refuses (400) any batch holding a bad item, naming none of them. */
function vendor(bad: ReadonlySet<number>, maxBatch = Infinity) {
  const accepted: number[] = [];
  const batches: number[][] = [];
  const acceptedSizes: number[] = [];
  const send = async (batch: readonly number[]) => {
    batches.push([...batch]);
    if (batch.length > maxBatch) throw new PermanentError('payload too large', 413);
    const wrong = batch.filter((i) => bad.has(i));
    if (wrong.length) throw new PermanentError(`item ${wrong[0]} is invalid`, 400);
    accepted.push(...batch);
    acceptedSizes.push(batch.length);
  };
  return { send, accepted, batches, acceptedSizes };
}

const refusal = (err: unknown) => (err instanceof PermanentError ? err.message : null);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('sendSplitting', () => {
  it('500 items with 3 bad: 497 delivered, the 3 refused with their reasons', async () => {
    const v = vendor(new Set([7, 250, 499]));
    const out = await sendSplitting(range(500), v.send, refusal);
    expect(out.delivered.sort((a, b) => a - b)).toEqual(
      range(500).filter((i) => ![7, 250, 499].includes(i)),
    );
    expect(v.accepted.sort((a, b) => a - b)).toEqual(out.delivered);
    expect(
      out.refused.map((r) => [r.item, r.reason]).sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual([
      [7, 'item 7 is invalid'],
      [250, 'item 250 is invalid'],
      [499, 'item 499 is invalid'],
    ]);
    console.log(`500 items, 3 bad: ${out.requests} requests`);
  });

  it('1,000 items with 1 bad: about log2(n) requests, and no batch holding it is sent twice', async () => {
    for (const bad of [0, 1, 499, 500, 998, 999]) {
      const v = vendor(new Set([bad]));
      const out = await sendSplitting(range(1000), v.send, refusal);
      expect(out.delivered).toHaveLength(999);
      expect(out.refused).toEqual([{ item: bad, reason: `item ${bad} is invalid` }]);
      expect(out.requests).toBe(v.batches.length);
      expect(out.requests).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)) + 1);
      // Every good item is accepted exactly once.
      expect(new Set(v.accepted).size).toBe(v.accepted.length);
      console.log(`1,000 items, bad one at ${bad}: ${out.requests} requests`);
    }
  });

  it('all good: one request', async () => {
    const v = vendor(new Set());
    const out = await sendSplitting(range(300), v.send, refusal);
    expect(out).toEqual({ delivered: range(300), refused: [], requests: 1 });
  });

  it('nothing to send: no request', async () => {
    const v = vendor(new Set());
    expect(await sendSplitting([], v.send, refusal)).toEqual({
      delivered: [],
      refused: [],
      requests: 0,
    });
  });

  it('all bad: every item refused with its reason, nothing delivered', async () => {
    const v = vendor(new Set(range(64)));
    const out = await sendSplitting(range(64), v.send, refusal);
    expect(out.delivered).toEqual([]);
    expect(out.refused.map((r) => r.item).sort((a, b) => a - b)).toEqual(range(64));
    for (const r of out.refused) expect(r.reason).toBe(`item ${r.item} is invalid`);
  });

  it('a retryable error is rethrown, not taken for a refusal', async () => {
    const err = new RetryableError('503 from the vendor', null, 503);
    let calls = 0;
    await expect(
      sendSplitting(
        range(10),
        async () => {
          calls++;
          throw err;
        },
        refusal,
      ),
    ).rejects.toBe(err);
    expect(calls).toBe(1);
  });

  it('a retryable error while splitting is rethrown; what went before was delivered', async () => {
    const delivered: number[] = [];
    const send = async (batch: readonly number[]) => {
      if (batch.includes(3)) throw new PermanentError('item 3 is invalid', 400);
      if (batch.includes(9)) throw new RetryableError('connection reset');
      delivered.push(...batch);
    };
    await expect(sendSplitting(range(10), send, refusal)).rejects.toThrow('connection reset');
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered).not.toContain(3);
  });

  it('413 splits without taking either half for bad: every item of a too-large batch is delivered', async () => {
    const v = vendor(new Set(), 100);
    const out = await sendSplitting(range(1000), v.send, refusal);
    expect(out.refused).toEqual([]);
    expect(out.delivered.sort((a, b) => a - b)).toEqual(range(1000));
    expect(Math.max(...v.acceptedSizes)).toBeLessThanOrEqual(100);
    console.log(`1,000 items, 413 above 100: ${out.requests} requests`);
  });

  it('items a refusal names are refused at once and the rest is sent again whole', async () => {
    const bad = new Set([4, 40, 80]);
    const v = vendor(bad);
    const out = await sendSplitting(range(100), v.send, refusal, {
      named: (_err, batch) =>
        new Map(
          batch.filter((i) => bad.has(i)).map((i) => [i, { reason: `named ${i}`, field: 'email' }]),
        ),
    });
    expect(out.requests).toBe(2);
    expect(out.delivered).toHaveLength(97);
    expect(out.refused.map((r) => r.item).sort((a, b) => a - b)).toEqual([4, 40, 80]);
    expect(out.refused[0]).toEqual({ item: 4, reason: 'named 4', field: 'email' });
  });

  it('property: delivered and refused partition the input; refused are exactly the bad ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 0, max: 300 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, n - 1) }), { maxLength: n }),
              fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
            ),
          ),
        async ([n, badList, maxBatch]) => {
          const bad = new Set(badList.filter((i) => i < n));
          const v = vendor(bad, maxBatch);
          const out = await sendSplitting(range(n), v.send, refusal);
          const delivered = new Set(out.delivered);
          const refusedItems = out.refused.map((r) => r.item);
          expect(delivered.size).toBe(out.delivered.length);
          expect(new Set(refusedItems).size).toBe(refusedItems.length);
          for (const i of refusedItems) expect(delivered.has(i)).toBe(false);
          expect(delivered.size + refusedItems.length).toBe(n);
          expect(new Set(refusedItems)).toEqual(bad);
          expect([...v.accepted].sort((a, b) => a - b)).toEqual(
            [...delivered].sort((a, b) => a - b),
          );
          if (bad.size === 1 && maxBatch === undefined && n > 1)
            expect(out.requests).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
