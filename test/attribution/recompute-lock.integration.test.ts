import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AppError } from '../../src/errors/app-error.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { tryLock } from '../../src/sync/lock.ts';
import { cliHome, runCli } from '../support/cli.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { metaLeadL1, put, rec } from './support.ts';

// The CLI's inline recompute once took no lock: it could rewrite a tenant's attribution beside a
// worker's recompute or catch-up of the same tenant. It now takes the lock the jobs take.

const T = 'store-lock';
const home = cliHome('recompute-lock');
let t: TestHub;

beforeAll(async () => {
  t = await openTestHub(home.env);
  await t.hub.tenants.create({ id: T, name: 'Acme Ford' });
  await put(new RecordStore(t.hub.redis, t.hub.keys), T, [
    rec('customer', 'c1', { firstName: 'Ann' }),
    metaLeadL1(),
    rec('sale', 's1', { dealNumber: 'D-1', saleDate: '2026-03-17', price: 2_000_000 }, 'c1'),
  ]);
});
afterAll(async () => {
  await t?.cleanup();
  await home.cleanup();
});

/** Takes the tenant's attribution lock as a worker's job does. */
const asJob = (id: string) => tryLock(t.hub.redis, t.hub.keys.attrLock(T), `job:${id}`);

describe('inline recompute and the tenant lock', () => {
  it('is refused, naming the holder, while a job holds the tenant; holds the lock itself while it runs', async () => {
    const job = await asJob('recompute-w1');
    expect(job).not.toBeNull();
    const refused = await t.hub.attributionJobs.recomputeHere(T).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 409, code: 'conflict' });
    expect((refused as Error).message).toContain('job:recompute-w1');
    expect((refused as Error).message).toContain('--queue');
    // Refused before reading anything: no recompute progress was written.
    expect(await t.hub.attribution.follower.progress(T)).toBeNull();
    await job!.release();

    const holders: (string | null)[] = [];
    const blocked: boolean[] = [];
    const sales = await t.hub.attributionJobs.recomputeHere(T, async () => {
      holders.push(await t.hub.redis.get(t.hub.keys.attrLock(T)));
      const other = await asJob('follow-w2');
      blocked.push(other === null);
      await other?.release();
    });
    expect(sales).toBe(1);
    expect(holders.length).toBeGreaterThan(0);
    for (const h of holders) expect(h).toMatch(/^cli:.+:\d+$/);
    expect(blocked.every(Boolean)).toBe(true);
    // Let go at the end: a job takes the tenant again.
    expect(await t.hub.redis.get(t.hub.keys.attrLock(T))).toBeNull();
  });

  it('`dealerloop attribution recompute` exits 1 with the reason while a job holds the tenant, and runs once it is free', async () => {
    const job = await asJob('recompute-w3');
    const busy = await runCli(['attribution', 'recompute', '--tenant', T], home.env);
    expect(busy.code).toBe(1);
    expect(busy.err).toContain(
      `Attribution of tenant "${T}" is being worked on by job:recompute-w3`,
    );
    expect(busy.out).not.toContain('attributed');
    await job!.release();
    const free = await runCli(['attribution', 'recompute', '--tenant', T], home.env);
    expect(free.code, free.err).toBe(0);
    expect(free.out).toContain('attributed 1 sales');
  }, 120_000);
});
