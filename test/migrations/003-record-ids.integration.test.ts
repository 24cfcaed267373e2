import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { recordIdsMigration } from '../../src/migrations/003-record-ids.ts';
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

const lead = (i: number): StoredRecord => ({
  id: `led_${String(i).padStart(4, '0')}`,
  entity: 'lead',
  v: 0,
  f: { stage: 'new' },
  m: {},
});

describe('003-record-ids', () => {
  it('new records join the id index in the same write, and walks go by record id', async () => {
    await store.writeMany(
      'w1',
      Array.from({ length: 25 }, (_, i) => ({
        record: lead(i),
        expected: 0,
        sourceConnectionId: 'c',
        changed: ['stage'],
      })),
    );
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await store.walk('w1', 'lead', after, 10);
      seen.push(...page.records.map((r) => r.id));
      after = page.last;
    } while (after !== null);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => lead(i).id));
  });

  it('indexes the records of a tenant written before the index existed, and writes its sentinel', async () => {
    const k = t.hub.keys;
    const bodies = Object.fromEntries(
      Array.from({ length: 2_500 }, (_, i) => [lead(i).id, `1|{"f":{"stage":"new"}}`]),
    );
    await t.hub.redis.hset(k.records('m1', 'lead'), bodies);
    await t.hub.redis.hset(k.records('m1', 'customer'), 'cus_1', '1|{"f":{}}');
    const ctx = { redis: t.hub.redis, keys: k, tenantId: 'm1', log: t.hub.log };
    expect(await recordIdsMigration.run(ctx)).toEqual({ changed: 2_501 });
    expect(await t.hub.redis.zcard(k.recordIds('m1', 'lead'))).toBe(2_500);
    expect(await t.hub.redis.zrange(k.recordIds('m1', 'customer'), 0, -1)).toEqual(['cus_1']);
    const sentinel = await t.hub.redis.get(k.tenantSentinel('m1'));
    expect(sentinel).toMatch(/migrated$/);
    // Again after a crash half-way: nothing changes twice, the sentinel stays.
    expect(await recordIdsMigration.run(ctx)).toEqual({ changed: 0 });
    expect(await t.hub.redis.get(k.tenantSentinel('m1'))).toBe(sentinel);
  });
});
