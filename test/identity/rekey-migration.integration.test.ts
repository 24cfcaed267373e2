import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { identityRekey } from '../../src/migrations/002-identity-rekey.ts';
import { MIGRATIONS } from '../../src/migrations/index.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
let store: RecordStore;
const tenantId = 'rekey-store';
beforeAll(async () => {
  t = await openTestHub({ LOG_LEVEL: 'warn' });
  store = new RecordStore(t.hub.redis, t.hub.keys);
});
afterAll(() => t.cleanup());

const meta = { src: 'meta', at: 1_700_000_000_000 };
const rec = (entity: string, id: string, f: StoredRecord['f'], customerId?: string) => {
  const r: StoredRecord = { id, entity, v: 0, f, m: {} };
  for (const k in f) r.m[k] = meta;
  if (customerId) r.customerId = customerId;
  return { record: r, expected: 0, changed: Object.keys(f), sourceConnectionId: 'c_old' };
};
const garcia = (first: string, email: string) => ({
  'customer.firstName': first,
  'customer.lastName': 'Garcia',
  'customer.email': email,
  'customer.address.postalCode': '78708',
});

describe('migration 002-identity-rekey', () => {
  it('is registered', () => {
    expect(MIGRATIONS.map((m) => m.id)).toContain('002-identity-rekey');
  });

  it('splits people the old last name + postal key joined, and rebuilds the indexes', async () => {
    // As the old resolver left it: Michael and Andres Garcia of 78708 on one customer, whose
    // record took Andres's details over Michael's.
    await store.writeMany(tenantId, [
      rec('customer', 'cus_old1', {
        firstName: 'Andres',
        lastName: 'Garcia',
        email: 'andres.garcia138@example.com',
        'address.postalCode': '78708',
        createdAt: '2026-01-01T00:00:00Z',
      }),
      rec('customer', 'cus_old2', { firstName: 'Maria', email: 'maria@example.com' }),
    ]);
    await store.writeMany(tenantId, [
      rec(
        'lead',
        'led_m',
        { ...garcia('Michael', 'mgarcia@example.com'), createdAt: '2026-01-02T00:00:00Z' },
        'cus_old1',
      ),
      rec(
        'lead',
        'led_a',
        { ...garcia('Andres', 'andres.garcia138@example.com'), createdAt: '2026-01-03T00:00:00Z' },
        'cus_old1',
      ),
      rec(
        'lead',
        'led_x',
        {
          'customer.firstName': 'Maria',
          'customer.email': 'MARIA@example.com',
          'customer.phone': '+15125550199',
          createdAt: '2026-01-04T00:00:00Z',
        },
        'cus_old2',
      ),
    ]);
    await t.hub.redis.hset(t.hub.keys.identity(tenantId, 'np'), 'garcia|78708', 'cus_old1');
    const ctx = { redis: t.hub.redis, keys: t.hub.keys, tenantId, log: t.hub.log };

    const first = await identityRekey.run(ctx);
    expect(first.changed).toBeGreaterThan(0);
    const [m, a, x] = await store.getMany(tenantId, 'lead', ['led_m', 'led_a', 'led_x']);
    expect(a).toMatchObject({ customerId: 'cus_old1', matchKey: 'email', matchConfidence: 'high' });
    expect(x).toMatchObject({ customerId: 'cus_old2', matchKey: 'email' });
    expect(m!.customerId).not.toBe('cus_old1');
    expect(m!.matchKey).toBeUndefined(); // Michael made his own customer
    const [michael] = await store.getMany(tenantId, 'customer', [m!.customerId!]);
    expect(michael!.f).toMatchObject({ firstName: 'Michael', email: 'mgarcia@example.com' });
    const idx = (kind: string, key: string) =>
      t.hub.redis.hget(t.hub.keys.identity(tenantId, kind), key);
    expect(await idx('email', 'mgarcia@example.com')).toBe(m!.customerId);
    expect(await idx('phone', '+15125550199')).toBe('cus_old2');
    expect(await idx('np', 'garcia|78708')).toBeNull();
    expect(await idx('np', 'michael|garcia|78708')).toBe(m!.customerId);
    const set = await t.hub.redis.smembers(t.hub.keys.customerRecords(tenantId, 'cus_old1'));
    expect(set).toEqual(['lead:led_a']);

    // Run again (as after a crash half-way): every record keeps its customer; Michael's lead now
    // matches by email the customer record the first run made from it; a third run changes nothing.
    await identityRekey.run(ctx);
    const again = await store.getMany(tenantId, 'lead', ['led_m', 'led_a', 'led_x']);
    expect(again.map((r) => r!.customerId)).toEqual([m, a, x].map((r) => r!.customerId));
    expect(await identityRekey.run(ctx)).toEqual({ changed: 0 });
  });
});
