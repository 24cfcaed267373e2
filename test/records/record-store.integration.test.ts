import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { StoredRecord } from '../../src/records/merge.ts';
import { RecordStore, type RecordWrite } from '../../src/records/record-store.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
let store: RecordStore;
beforeAll(async () => {
  t = await openTestHub();
  store = new RecordStore(t.hub.redis, t.hub.keys);
});
afterAll(() => t.cleanup());

const rec = (id: string, f: Record<string, unknown>, entity = 'customer'): StoredRecord => ({
  id,
  entity,
  v: 0,
  f,
  m: Object.fromEntries(Object.keys(f).map((k) => [k, { src: 'crm', at: 1 }])),
});
const write = (record: StoredRecord, expected: number, src = 'conn-a'): RecordWrite => ({
  record,
  expected,
  sourceConnectionId: src,
  changed: Object.keys(record.f),
});

describe('RecordStore', () => {
  it('creates, reads back and versions records; missing ids read as null', async () => {
    const a = rec('cus_a', { email: 'a@x.com' });
    const lead = { ...rec('led_1', { stage: 'new' }, 'lead'), customerId: 'cus_a' };
    expect(await store.writeMany('t1', [write(a, 0), write(lead, 0)])).toEqual([]);
    expect(a.v).toBe(1);
    const [gotA, missing] = await store.getMany('t1', 'customer', ['cus_a', 'cus_none']);
    expect(gotA).toEqual({ ...a, v: 1 });
    expect(missing).toBeNull();
    expect(await store.get('t1', 'lead', 'led_1')).toEqual({ ...lead, v: 1 });
  });

  it('compare-and-set: a write with a stale version loses and changes nothing', async () => {
    const b = rec('cus_b', { email: 'b@x.com' });
    await store.writeMany('t2', [write(b, 0)]);
    const stale = rec('cus_b', { email: 'stale@x.com' });
    const fresh = rec('cus_c', { email: 'c@x.com' });
    const lost = await store.writeMany('t2', [write(stale, 0), write(fresh, 0)]);
    expect(lost.map((w) => w.record.id)).toEqual(['cus_b']);
    expect((await store.get('t2', 'customer', 'cus_b'))?.f.email).toBe('b@x.com');
    expect((await store.get('t2', 'customer', 'cus_c'))?.v).toBe(1);
    // A record named twice in one batch: the second write conflicts (it was read before the first).
    const twice = await store.writeMany('t2', [
      write(rec('cus_d', { email: 'd1@x.com' }), 0),
      write(rec('cus_d', { email: 'd2@x.com' }), 0),
    ]);
    expect(twice.map((w) => w.record.f.email)).toEqual(['d2@x.com']);
    expect((await store.get('t2', 'customer', 'cus_d'))?.f.email).toBe('d1@x.com');
  });

  it('logs one change per written record, in order, and pages by whole entries', async () => {
    const page = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => write(rec(`cus_${from + i}`, { n: from + i }), 0));
    await store.writeMany('t3', page(0, 5));
    await store.writeMany('t3', page(5, 5));
    await store.touch('t3', 'customer', 'cus_0', 'replay');
    const all = await store.readChanges('t3', '0', 1_000);
    expect(all.map((c) => c.id)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `cus_${i}`),
      'cus_0',
    ]);
    expect(all[0]).toMatchObject({ entity: 'customer', v: 1, sourceConnectionId: 'conn-a' });
    expect(all[10]).toMatchObject({ id: 'cus_0', v: 0, sourceConnectionId: 'replay' });
    // Asking for 3 changes returns the whole first entry (5), and the cursor resumes after it.
    const first = await store.readChanges('t3', '0', 3);
    expect(first).toHaveLength(5);
    const rest = await store.readChanges('t3', first[4]!.streamId, 1_000);
    expect(rest.map((c) => c.id)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `cus_${5 + i}`),
      'cus_0',
    ]);
    expect(await store.readChanges('t3', rest[rest.length - 1]!.streamId, 10)).toEqual([]);
  });

  it('reads past the first XRANGE when entries hold few changes', async () => {
    for (let i = 0; i < 40; i++) await store.touch('t4', 'customer', `cus_${i}`, 'replay');
    const got = await store.readChanges('t4', '0', 35);
    expect(got.map((c) => c.id)).toEqual(Array.from({ length: 35 }, (_, i) => `cus_${i}`));
  });

  it('writes a page of 1,200 records in one call (chunked inside the script)', async () => {
    const writes = Array.from({ length: 1_200 }, (_, i) => write(rec(`cus_${i}`, { n: i }), 0));
    expect(await store.writeMany('t5', writes)).toEqual([]);
    const got = await store.getMany(
      't5',
      'customer',
      writes.map((w) => w.record.id),
    );
    expect(got.map((r) => r?.f.n)).toEqual(writes.map((_, i) => i));
    expect(got.every((r) => r?.v === 1)).toBe(true);
    expect(await store.readChanges('t5', '0', 5_000)).toHaveLength(1_200);
  });

  it('tells whether changes after a cursor were trimmed from the log unread', async () => {
    for (let i = 0; i < 3; i++) await store.writeMany('t6', [write(rec(`cus_${i}`, { n: i }), 0)]);
    const [a, b, c] = await store.readChanges('t6', '0', 10);
    expect(await store.trimmedAfter('t6', a!.streamId)).toBe(false);
    expect(await store.trimmedAfter('t6', '0')).toBe(false);
    await t.hub.redis.xtrim(t.hub.keys.changes('t6'), 'MAXLEN', 1); // only c is left
    expect(await store.trimmedAfter('t6', a!.streamId)).toBe(true); // b was never read
    expect(await store.trimmedAfter('t6', c!.streamId)).toBe(false);
    expect(b!.id).toBe('cus_1');
  });

  it('reads about the entries it needs and says whether the position was still in the log', async () => {
    const page = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => write(rec(`cus_${from + i}`, { n: from + i }), 0));
    for (let p = 0; p < 20; p++) await store.writeMany('t7', page(p * 50, 50));
    const entriesRead: number[] = [];
    const redis = t.hub.redis;
    const xrange = redis.xrange.bind(redis);
    const spy = vi.spyOn(redis, 'xrange').mockImplementation(async (...args) => {
      const rows = await (xrange as (...a: unknown[]) => Promise<[string, string[]][]>)(...args);
      entriesRead.push(rows.length);
      return rows;
    });
    try {
      const first = await store.readChangesHeld('t7', '0', 50);
      expect(first).toMatchObject({ held: false }); // '0' is no entry
      expect(first.changes).toHaveLength(50);
      const at = first.changes[49]!.streamId;
      entriesRead.length = 0;
      // 100 changes after an entry of 50: the entry itself (inclusive start) and the next two.
      const next = await store.readChangesHeld('t7', at, 100);
      expect(next.held).toBe(true);
      expect(next.changes.map((c) => c.id)).toEqual(
        Array.from({ length: 100 }, (_, i) => `cus_${50 + i}`),
      );
      expect(entriesRead.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4);
    } finally {
      spy.mockRestore();
    }
    const all = await store.readChanges('t7', '0', 10_000);
    expect(all).toHaveLength(1_000);
    const third = all[149]!.streamId;
    await redis.xtrim(t.hub.keys.changes('t7'), 'MAXLEN', 10); // entries 1-10 are gone
    const after = await store.readChangesHeld('t7', third, 10_000);
    expect(after.held).toBe(false);
    expect(after.changes).toHaveLength(500); // what is left: the last 10 entries
    expect(await store.trimmedAfter('t7', third)).toBe(true);
  });

  it("reads one entity's changes only, passing over the entries of others in Redis", async () => {
    const lead = (id: string) => write({ ...rec(id, { n: 1 }), entity: 'lead' }, 0);
    await store.writeMany('t9', [write(rec('cus_1', { n: 1 }), 0)]);
    for (let p = 0; p < 70; p++) await store.writeMany('t9', [lead(`led_${p}`)]);
    await store.writeMany('t9', [write(rec('cus_2', { n: 2 }), 0)]);
    for (let p = 70; p < 80; p++) await store.writeMany('t9', [lead(`led_${p}`)]);
    const all = await store.readChanges('t9', '0', 10_000);
    expect(all).toHaveLength(82);
    const last = all.at(-1)!.streamId;
    const xrange = vi.spyOn(t.hub.redis, 'xrange');
    try {
      const customers = await store.readChangesHeld('t9', '0', 500, { entities: ['customer'] });
      expect(customers.changes.map((c) => c.id)).toEqual(['cus_1', 'cus_2']);
      // Past every entry it went through (the leads after cus_2 too), so it does not read them again.
      expect(customers.last).toBe(last);
      expect(xrange).not.toHaveBeenCalled(); // the filtered range is a script
      const from = customers.changes[0]!.streamId;
      const after = await store.readChangesHeld('t9', from, 500, { entities: ['customer'] });
      expect(after).toMatchObject({ held: true, last });
      expect(after.changes.map((c) => c.id)).toEqual(['cus_2']);
      const none = await store.readChangesHeld('t9', last, 500, { entities: ['customer'] });
      expect(none).toMatchObject({ held: true, last: null, changes: [] });
      // Only as many as asked: the first lead change, then the position after it.
      const leads = await store.readChangesHeld('t9', '0', 1, { entities: ['lead'] });
      expect(leads.changes.map((c) => c.id)).toEqual(['led_0']);
      expect(leads.last).toBe(leads.changes[0]!.streamId);
    } finally {
      xrange.mockRestore();
    }
  });

  it('gives a reader of merges only the customer entries that may hold one', async () => {
    await store.writeMany('t10', [write(rec('cus_1', { email: 'a@x.com' }), 0)]);
    await store.writeMany('t10', [write(rec('led_1', { n: 1 }, 'lead'), 0)]);
    await store.writeMany('t10', [
      write(rec('cus_2', { email: 'b@x.com' }), 0),
      write(rec('cus_3', { email: 'c@x.com', mergedInto: 'cus_2' }), 0),
    ]);
    // An entry as written before entries said whether they hold a merge: it may.
    await t.hub.redis.xadd(
      t.hub.keys.changes('t10'),
      '*',
      'e',
      'customer',
      's',
      'c',
      'r',
      'cus_4\t2',
    );
    await store.writeMany('t10', [write(rec('cus_5', { email: 'e@x.com' }), 0)]);
    const filter = { entities: ['lead'], flagged: { customer: ['m' as const] } };
    const got = await store.readChangesHeld('t10', '0', 500, filter);
    expect(got.changes.map((c) => `${c.entity}:${c.id}`)).toEqual([
      'lead:led_1',
      'customer:cus_2',
      'customer:cus_3',
      'customer:cus_4',
    ]);
    expect(got.last).toBe((await store.lastChangeId('t10'))!);
  });

  it('says of a batch of customers whether one may be a buyer, for a reader of buyers only', async () => {
    await store.writeMany('t11', [
      write({ ...rec('sal_1', { amountCents: 1 }, 'sale'), customerId: 'cus_b' }, 0),
    ]);
    await store.writeMany('t11', [write(rec('cus_a', { email: 'a@x.com' }), 0)]);
    await store.writeMany('t11', [
      write(rec('cus_c', { email: 'c@x.com' }), 0),
      write(rec('cus_b', { email: 'b@x.com' }), 0),
    ]);
    await store.writeMany('t11', [write(rec('cus_d', { email: 'd@x.com' }), 0)]);
    const entries = await t.hub.redis.xrange(t.hub.keys.changes('t11'), '-', '+');
    const flag = (kv: string[]) => kv[kv.indexOf('b') + 1];
    expect(entries.map(([, kv]) => (kv.includes('b') ? flag(kv) : 'none'))).toEqual([
      'none', // a sale: not flagged
      '0',
      '1',
      '0',
    ]);
    const got = await store.readChangesHeld('t11', '0', 500, {
      entities: [],
      flagged: { customer: ['m', 'b'] },
    });
    expect(got.changes.map((c) => c.id)).toEqual(['cus_c', 'cus_b']);
  });

  it('reads only the records whose field is a non-empty string (merged customers)', async () => {
    await store.writeMany('t8', [
      write(rec('cus_a', { email: 'a@x.com' }), 0),
      write(rec('cus_b', { email: 'b@x.com', mergedInto: 'cus_a' }), 0),
      write(rec('cus_c', { note: 'says "mergedInto":"cus_a" in a value' }), 0),
      write(rec('cus_d', { mergedInto: '' }), 0),
      write(rec('cus_e', { 'old.mergedInto': 'cus_a' }), 0),
    ]);
    const ids = ['cus_a', 'cus_b', 'cus_c', 'cus_d', 'cus_e', 'cus_missing'];
    const got = await store.getHaving('t8', 'customer', ids, 'mergedInto');
    expect(got.map((r) => [r.id, r.f.mergedInto, r.v])).toEqual([['cus_b', 'cus_a', 1]]);
    expect(await store.getHaving('t8', 'customer', [], 'mergedInto')).toEqual([]);
    // More ids than one HMGET chunk inside the script.
    const many = Array.from({ length: 1_234 }, (_, i) => `cus_none_${i}`).concat('cus_b');
    expect((await store.getHaving('t8', 'customer', many, 'mergedInto')).map((r) => r.id)).toEqual([
      'cus_b',
    ]);
  });
});
