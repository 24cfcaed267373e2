import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MIGRATIONS, migrateHub, migrationStatus } from '../../src/migrations/index.ts';
import { migrateTenant } from '../../src/migrations/runner.ts';
import type { Migration } from '../../src/migrations/types.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t.cleanup());

/** A migration that appends its id to a list key of the tenant, so order and repeats show. */
function recorder(id: string, opts: { failFirst?: boolean; slowMs?: number } = {}): Migration {
  let failed = false;
  return {
    id,
    description: `test ${id}`,
    async run(ctx) {
      if (opts.slowMs) await new Promise((r) => setTimeout(r, opts.slowMs));
      if (opts.failFirst && !failed) {
        failed = true;
        throw new Error(`${id} crashed half-way`);
      }
      await ctx.redis.rpush(ctx.keys.migrationState(ctx.tenantId, id, 'log'), id);
      return { changed: 1 };
    },
  };
}
const ran = (tenant: string, id: string) =>
  t.hub.redis.lrange(t.hub.keys.migrationState(tenant, id, 'log'), 0, -1);
const opts = (tenantId: string, migrations: Migration[]) => ({
  redis: t.hub.redis,
  keys: t.hub.keys,
  log: t.hub.log,
  tenantId,
  migrations,
});

describe('migrations runner', () => {
  it('applies pending migrations once each, in id order, and marks them done', async () => {
    const order: string[] = [];
    const spy = (m: Migration): Migration => ({
      ...m,
      run: async (ctx) => (order.push(m.id), m.run(ctx)),
    });
    const list = [spy(recorder('002-b')), spy(recorder('001-a'))];
    expect(await migrateTenant(opts('r1', list))).toEqual([
      { id: '001-a', changed: 1 },
      { id: '002-b', changed: 1 },
    ]);
    expect(order).toEqual(['001-a', '002-b']);
    expect(await migrateTenant(opts('r1', list))).toEqual([]);
    expect(await ran('r1', '001-a')).toEqual(['001-a']);
    const status = await migrationStatus(t.hub.redis, t.hub.keys, 'r1', list);
    expect(status.map((s) => [s.id, s.done?.changed])).toEqual([
      ['001-a', 1],
      ['002-b', 1],
    ]);
  });

  it('leaves a crashed migration pending and the later ones unrun; the next run resumes', async () => {
    const list = [recorder('001-a'), recorder('002-b', { failFirst: true }), recorder('003-c')];
    await expect(migrateTenant(opts('r2', list))).rejects.toThrow('002-b crashed half-way');
    const status = await migrationStatus(t.hub.redis, t.hub.keys, 'r2', list);
    expect(status.map((s) => s.done !== null)).toEqual([true, false, false]);
    expect(await migrateTenant(opts('r2', list))).toEqual([
      { id: '002-b', changed: 1 },
      { id: '003-c', changed: 1 },
    ]);
    expect(await ran('r2', '001-a')).toEqual(['001-a']);
    // the lock was released after the crash, or the second run could not have started
    expect(await t.hub.redis.exists(t.hub.keys.migrationLock('r2'))).toBe(0);
  });

  it('runs a migration once when several processes start at the same time', async () => {
    const list = [recorder('001-a', { slowMs: 300 })];
    const results = await Promise.all([1, 2, 3].map(() => migrateTenant(opts('r3', list))));
    expect(results.flat()).toEqual([{ id: '001-a', changed: 1 }]);
    expect(await ran('r3', '001-a')).toEqual(['001-a']);
  });

  it('creates new tenants with every registered migration done, and migrates old ones', async () => {
    await t.hub.tenants.create({ id: 'fresh', name: 'Fresh' });
    const status = await migrationStatus(t.hub.redis, t.hub.keys, 'fresh', MIGRATIONS);
    expect(status.every((s) => s.done?.born === true)).toBe(true);
    // a tenant created before migration 001 existed has it pending, and migrateHub applies it
    const list = [recorder('001-a')];
    const done = await migrateHub(t.hub, { migrations: list });
    expect(done).toEqual([{ tenantId: 'fresh', applied: [{ id: '001-a', changed: 1 }] }]);
    expect(await migrateHub(t.hub, { migrations: list })).toEqual([]);
  });
});
