import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FeedReader } from '../../src/feed/reader.ts';
import { FeedRegistry } from '../../src/feed/registry.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
let store: RecordStore;
beforeAll(async () => {
  t = await openTestHub();
  store = new RecordStore(t.hub.redis, t.hub.keys);
});
afterAll(() => t.cleanup());

const T = 'feed1';
const lead = (i: number, stage = 'new'): StoredRecord => ({
  id: `led_${String(i).padStart(3, '0')}`,
  entity: 'lead',
  v: 0,
  f: { stage },
  m: {},
});
const put = (records: StoredRecord[], expected = 0) =>
  store.writeMany(
    T,
    records.map((record) => ({ record, expected, sourceConnectionId: 'c', changed: [] })),
  );
const reader = (kind: string, id: string) =>
  new FeedReader(t.hub.redis, t.hub.keys, store, T, kind, id, 'lead');

/** Reads a reader to the end, committing each batch; the ids and stages it was handed. */
async function drain(r: FeedReader, count = 7) {
  const seen: string[] = [];
  for (let b = await r.next(count); b; b = await r.next(count)) {
    seen.push(...b.records.map((x) => `${x.id}=${String(x.f.stage)}`));
    await r.commit(b.next);
  }
  return seen;
}

describe('change feed readers', () => {
  it('readers of several kinds keep their own positions; a late reader walks, then follows', async () => {
    await put(Array.from({ length: 20 }, (_, i) => lead(i)));
    const timeline = reader('timeline', 'closed-loop');
    const audit = reader('audit', 'a1');
    expect(await drain(timeline)).toHaveLength(20); // walked
    // Three changes of one record and one new record: the timeline gets each record once, newest.
    await put([lead(3, 'working')], 1);
    await put([lead(3, 'sold')], 2);
    await put([lead(20)]);
    expect((await drain(timeline)).sort()).toEqual(['led_003=sold', 'led_020=new']);
    // A reader added late walks every record (also those whose changes came before it), then follows.
    const walked = await drain(audit);
    expect(walked).toHaveLength(21);
    expect(walked).toContain('led_003=sold');
    await put([lead(5, 'lost')], 1);
    expect(await drain(audit)).toEqual(['led_005=lost']);
    expect(await drain(timeline)).toEqual(['led_005=lost']);
    // Each position is its own: a new reader object (a restarted process) goes on from it.
    expect(await reader('timeline', 'closed-loop').next()).toBeNull();
    expect(await t.hub.redis.hlen(t.hub.keys.feedPositions(T))).toBe(2);
  });

  it('a reader whose position the log was trimmed past fails saying so, then walks again', async () => {
    const r = reader('timeline', 'trim');
    await drain(r);
    await put([lead(6, 'a')], 1);
    await put([lead(7, 'b')], 1);
    await t.hub.redis.xtrim(t.hub.keys.changes(T), 'MAXLEN', 1);
    await expect(r.next()).rejects.toThrow(/trimmed past this reader's position/);
    expect(await r.position()).toBe('0');
    expect((await drain(r)).length).toBeGreaterThanOrEqual(21);
  });

  it('the registry names only the readers of an entity', async () => {
    const registry = new FeedRegistry(t.hub.redis, t.hub.keys);
    await reader('timeline', 'closed-loop').register();
    await registry.add(T, 'lead', { kind: 'outbound', id: 's_1' });
    await registry.add(T, 'sale', { kind: 'outbound', id: 's_2' });
    expect((await registry.readersOf(T, 'lead')).map((r) => `${r.kind}:${r.id}`).sort()).toEqual([
      'outbound:s_1',
      'timeline:closed-loop',
    ]);
    expect(await registry.readersOf(T, 'sale', 'outbound')).toEqual([
      { kind: 'outbound', id: 's_2' },
    ]);
    await registry.remove(T, ['lead', 'sale'], { kind: 'outbound', id: 's_2' });
    expect(await registry.readersOf(T, 'sale')).toEqual([]);
  });

  it('a reader with its own read gets every id of a batch and only the records it read', async () => {
    const T2 = 'feed3';
    const one = (id: string, f: Record<string, unknown>): StoredRecord => ({
      id,
      entity: 'customer',
      v: 0,
      f,
      m: {},
    });
    const putC = (records: StoredRecord[], expected = 0) =>
      store.writeMany(
        T2,
        records.map((record) => ({ record, expected, sourceConnectionId: 'c', changed: [] })),
      );
    await putC([one('cus_1', { email: 'a@x.com' }), one('cus_2', { mergedInto: 'cus_1' })]);
    const r = new FeedReader(t.hub.redis, t.hub.keys, store, T2, 'derive', 'd1', 'customer');
    const read = (ids: readonly string[]) => store.getHaving(T2, 'customer', ids, 'mergedInto');
    const walked = await r.next(10, read);
    expect(walked!.ids).toEqual(['cus_1', 'cus_2']);
    expect(walked!.records.map((x) => x.id)).toEqual(['cus_2']);
    await r.commit(walked!.next);
    await putC([one('cus_3', { email: 'c@x.com' }), one('cus_4', { mergedInto: 'cus_3' })]);
    const followed = await r.next(10, read);
    expect(followed!.ids.sort()).toEqual(['cus_3', 'cus_4']);
    expect(followed!.records.map((x) => [x.id, x.f.mergedInto])).toEqual([['cus_4', 'cus_3']]);
  });
});
