import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeKey } from '../../src/sync/out-hash.ts';
import { loadPendingCreates, markCreates } from '../../src/sync/pending-creates.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

const to = { connectionId: 'c_1', sinkName: 'contacts' };
const keyOf = (hash: string, id: string, v: number) =>
  writeKey({ hash }, to.connectionId, to.sinkName, id, v);

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t.cleanup());

describe('pending creates as stored', () => {
  it('stores a version per create, not its key, and reads back the keys that were sent', async () => {
    const { redis, keys } = t.hub;
    const hash = keys.pendingCreates('t1', to.connectionId, 'a');
    const creates = Array.from({ length: 500 }, (_, i) => `cus_${String(i).padStart(20, '0')}`);
    const field = await markCreates(
      redis,
      hash,
      's_1',
      'm1',
      creates.map((id, i) => [id, { key: keyOf('m1', id, i + 1), v: i + 1, m: 'm1' }]),
    );
    const stored = await redis.hget(hash, field);
    // Under half the first form ([canonicalId, 40-character key] pairs) of the same creates.
    const firstForm = JSON.stringify(creates.map((id, i) => [id, keyOf('m1', id, i + 1)]));
    expect(stored!.length).toBeLessThan(firstForm.length / 2);
    const read = await loadPendingCreates(redis, hash, 's_1', to);
    expect(read.fields).toEqual([field]);
    expect([...read.keys].map(([id, k]) => [id, k.key])).toEqual(
      creates.map((id, i) => [id, keyOf('m1', id, i + 1)]),
    );
  });

  it('keeps keys of another mapping and of first-form fields through a second write', async () => {
    const { redis, keys } = t.hub;
    const hash = keys.pendingCreates('t1', to.connectionId, 'b');
    // A field as written before the compact form: [canonicalId, key] pairs.
    await redis.hset(hash, 's_2:old', JSON.stringify([['cus_old', 'k-from-first-form']]));
    await markCreates(redis, hash, 's_3', 'm2', [
      ['cus_other', { key: keyOf('m1', 'cus_other', 4), v: 4, m: 'm1' }],
    ]);
    const first = await loadPendingCreates(redis, hash, 's_2', to);
    expect(first.fields).toEqual(['s_2:old']);
    expect(first.keys.get('cus_old')).toEqual({ key: 'k-from-first-form', v: null, m: null });
    expect(first.keys.get('cus_other')).toEqual({
      key: keyOf('m1', 'cus_other', 4),
      v: 4,
      m: 'm1',
    });
    // Sent again (a later run, mapping m2): each keeps the key it was first sent with.
    const again = await markCreates(redis, hash, 's_2', 'm2', [...first.keys]);
    expect(JSON.parse((await redis.hget(hash, again))!)).toEqual({
      m: 'm2',
      c: [
        ['cus_old', 'k-from-first-form'],
        ['cus_other', 4, 'm1'],
      ],
    });
    await redis.hdel(hash, 's_2:old');
    const second = await loadPendingCreates(redis, hash, 's_2', to);
    expect(second.keys).toEqual(first.keys);
  });

  it('names the hash and the field problem of a value it cannot read', async () => {
    const { redis, keys } = t.hub;
    const hash = keys.pendingCreates('t1', to.connectionId, 'c');
    await redis.hset(hash, 's_4:x', JSON.stringify({ m: 'm1', c: [['cus_1', -2]] }));
    await expect(loadPendingCreates(redis, hash, 's_4', to)).rejects.toThrow(
      new RegExp(`stored pending creates at ${hash.replace(/[{}]/g, '\\$&')} is not valid: c`),
    );
  });
});
