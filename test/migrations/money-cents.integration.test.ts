import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { moneyCents } from '../../src/migrations/001-money-cents.ts';
import { migrateHub, migrationStatus } from '../../src/migrations/index.ts';
import { decodeBody, encodeBody } from '../../src/records/record-store.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t.cleanup());

const meta = { src: 'dms-files', at: 1_700_000_000_000 };
/** Stores records as a hub of the previous version did: money as float dollars. */
async function seedOld(tenant: string, n: number) {
  const sales: Record<string, string> = {};
  const expected = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < n; i++) {
    const front = (i * 37) % 5000;
    const f: Record<string, unknown> = {
      dealNumber: `D${i}`,
      saleDate: '2025-06-21',
      // dollars with cents, as a float: 1234.56 and friends (0.1 + 0.2 style values included)
      frontGross: front + (i % 100) / 100,
      backGross: i % 7 === 0 ? -((i % 13) + 0.3) : 713,
      totalGross: i % 5 === 0 ? undefined : 2785.5,
      'customer.lastName': 'Bernat',
    };
    if (f.totalGross === undefined) delete f.totalGross;
    const m = Object.fromEntries(Object.keys(f).map((k) => [k, meta]));
    sales[`sal_${i}`] = encodeBody({ id: `sal_${i}`, entity: 'sale', v: 3, f, m });
    expected.set(`sal_${i}`, {
      ...f,
      frontGross: front * 100 + (i % 100),
      backGross: i % 7 === 0 ? -((i % 13) * 100 + 30) : 71300,
      ...(f.totalGross === undefined ? {} : { totalGross: 278550 }),
    });
  }
  await t.hub.redis.hset(t.hub.keys.records(tenant, 'sale'), sales);
  await t.hub.redis.hset(t.hub.keys.records(tenant, 'spend'), {
    sp1: encodeBody({
      id: 'sp1',
      entity: 'spend',
      v: 1,
      f: { amount: 204.1 },
      m: { amount: meta },
    }),
  });
  await t.hub.redis.hset(t.hub.keys.records(tenant, 'lead'), {
    l1: encodeBody({ id: 'l1', entity: 'lead', v: 1, f: { 'vehicle.price': 32450 }, m: {} }),
    l2: encodeBody({ id: 'l2', entity: 'lead', v: 1, f: { source: 'meta' }, m: {} }),
  });
  // an old tenant: created before migrations existed (no migrations hash)
  await t.hub.redis.hset(t.hub.keys.tenant(tenant), { id: tenant, name: tenant });
  await t.hub.redis.sadd(t.hub.keys.tenants(), tenant);
  return expected;
}

async function stored(tenant: string, entity: string) {
  const all = await t.hub.redis.hgetall(t.hub.keys.records(tenant, entity));
  return new Map(Object.entries(all).map(([id, b]) => [id, decodeBody(id, entity, b)]));
}

/** A Redis whose `eval` fails after `n` calls: a crash half-way through the migration. */
function crashingAfter(redis: Redis, n: number): Redis {
  let calls = 0;
  return new Proxy(redis, {
    get(target, prop, recv) {
      if (prop === 'eval')
        return (...a: unknown[]) => {
          if (++calls > n) return Promise.reject(new Error('killed'));
          return (target.eval as (...x: unknown[]) => unknown)(...a);
        };
      const v = Reflect.get(target, prop, recv) as unknown;
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('migration 001-money-cents', () => {
  it('converts every money field to exact cents once, keeping versions and metadata', async () => {
    const expected = await seedOld('old-a', 1200);
    const done = await migrateHub(t.hub, { tenantId: 'old-a' });
    expect(done[0]!.applied).toContainEqual({ id: '001-money-cents', changed: 1202 });
    const sales = await stored('old-a', 'sale');
    for (const [id, want] of expected) {
      expect(sales.get(id)!.f).toEqual(want);
      expect(sales.get(id)!.v).toBe(3);
      expect(sales.get(id)!.m.frontGross).toEqual(meta);
    }
    expect((await stored('old-a', 'spend')).get('sp1')!.f).toEqual({ amount: 20410 });
    expect((await stored('old-a', 'lead')).get('l1')!.f).toEqual({ 'vehicle.price': 3245000 });
    // marked done; running again changes nothing
    const [status] = await migrationStatus(t.hub.redis, t.hub.keys, 'old-a', [moneyCents]);
    expect(status!.done).toMatchObject({ changed: 1202 });
    expect(await migrateHub(t.hub, { tenantId: 'old-a' })).toEqual([]);
    expect((await stored('old-a', 'sale')).get('sal_1')!.f.frontGross).toBe(3701);
  });

  it('resumes after a crash half-way without converting any record twice', async () => {
    const expected = await seedOld('old-b', 2600);
    const ctx = { keys: t.hub.keys, tenantId: 'old-b', log: t.hub.log };
    await expect(moneyCents.run({ ...ctx, redis: crashingAfter(t.hub.redis, 2) })).rejects.toThrow(
      'killed',
    );
    const half = [...(await stored('old-b', 'sale')).values()].filter(
      (r) => r.f.backGross === 71300,
    ).length;
    expect(half).toBeGreaterThan(0); // some pages were converted before the crash
    expect(half).toBeLessThan(2600 - 372); // ...and not all of them
    const again = await moneyCents.run({ ...ctx, redis: t.hub.redis });
    expect(again.changed).toBe(2602);
    const sales = await stored('old-b', 'sale');
    for (const [id, want] of expected) expect(sales.get(id)!.f).toEqual(want);
    // its scratch sets are gone; a repeat before the runner's done mark converts nothing
    expect(
      await t.hub.redis.exists(t.hub.keys.migrationState('old-b', moneyCents.id, 'done:sale')),
    ).toBe(0);
    expect((await moneyCents.run({ ...ctx, redis: t.hub.redis })).changed).toBe(2602);
    expect((await stored('old-b', 'sale')).get('sal_1')!.f.frontGross).toBe(3701);
  });
});
