import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { mergedCustomers } from '../../src/identity/merge.ts';
import { readerSetsMigration } from '../../src/migrations/007-reader-sets.ts';
import { AccessPaths } from '../../src/records/access-paths.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t.cleanup());

const body = (f: Record<string, unknown>, c?: string) =>
  `1|${JSON.stringify({ f, ...(c ? { c } : {}) })}`;

describe('007-reader-sets', () => {
  it('marks customers merged before marks were kept and indexes the buyers of older sales', async () => {
    const k = t.hub.keys;
    const customers: Record<string, string> = { cus_empty: body({ mergedInto: '' }) };
    for (let i = 0; i < 1_200; i++)
      customers[`cus_${i}`] = body(
        i % 100 === 7 ? { mergedInto: `cus_${i - 7}` } : { email: `p${i}@x.com` },
      );
    await t.hub.redis.hset(k.records('m7', 'customer'), customers);
    await t.hub.redis.hset(k.records('m7', 'sale'), {
      sal_1: body({ saleDate: '2026-11-20' }, 'cus_3'),
      sal_2: body({ saleDate: '2026-11-21' }, 'cus_3'),
      sal_3: body({ saleDate: '2026-11-22' }, 'cus_400'),
      sal_4: body({ saleDate: '2026-11-22' }),
    });
    // One merge identity already marked (its survivor as identity had it, kept as it is).
    await t.hub.redis.hset(k.identity('m7', 'merged'), 'cus_107', 'cus_99');
    const records = new RecordStore(t.hub.redis, k);
    const paths = new AccessPaths(t.hub.redis, k);
    const ids = Object.keys(customers);
    const merged = () =>
      mergedCustomers(t.hub.redis, k, records, 'm7', ids).then((rs) => rs.map((r) => r.id).sort());
    expect(await merged()).toEqual(['cus_107']);
    expect(await paths.buyersAmong('m7', ids)).toEqual([]);

    const ctx = { redis: t.hub.redis, keys: k, tenantId: 'm7', log: t.hub.log };
    expect(await readerSetsMigration.run(ctx)).toEqual({ changed: 11 + 2 });
    const all = Array.from({ length: 12 }, (_, j) => `cus_${j * 100 + 7}`).sort();
    expect(await merged()).toEqual(all);
    expect(await t.hub.redis.hget(k.identity('m7', 'merged'), 'cus_107')).toBe('cus_99');
    expect(await t.hub.redis.hget(k.identity('m7', 'merged'), 'cus_207')).toBe('cus_200');
    expect((await paths.buyersAmong('m7', ids)).sort()).toEqual(['cus_3', 'cus_400']);
    // The same merged customers as reading every body for the field.
    const having = await records.getHaving('m7', 'customer', ids, 'mergedInto');
    expect(having.map((r) => r.id).sort()).toEqual(all);
    expect(await readerSetsMigration.run(ctx)).toEqual({ changed: 0 }); // again: nothing to add
  });

  it('keeps the buyers set in the record writes: a sale written for a customer makes it a buyer', async () => {
    const records = new RecordStore(t.hub.redis, t.hub.keys);
    const sale = (id: string, customerId?: string) => ({
      record: { id, entity: 'sale', v: 0, f: { saleDate: '2026-11-20' }, m: {}, customerId },
      expected: 0,
      changed: ['saleDate'],
      sourceConnectionId: 'con_1',
    });
    const lead = {
      record: { id: 'led_1', entity: 'lead', v: 0, f: {}, m: {}, customerId: 'cus_lead' },
      expected: 0,
      changed: ['createdAt'],
      sourceConnectionId: 'con_1',
    };
    expect(await records.writeMany('b1', [sale('sal_1', 'cus_a'), sale('sal_2'), lead])).toEqual(
      [],
    );
    const paths = new AccessPaths(t.hub.redis, t.hub.keys);
    expect(await paths.buyersAmong('b1', ['cus_a', 'cus_lead', 'cus_none', 'cus_a'])).toEqual([
      'cus_a',
    ]);
    expect(await t.hub.redis.smembers(t.hub.keys.buyers('b1'))).toEqual(['cus_a']);
  });
});
