import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { GEN_FIELD, POSITION_FIELD, PROGRESS_FIELD } from '../../src/attribution/state.ts';
import { CONVERSIONS_READER, DERIVE_ENTITIES } from '../../src/conversions/deriver.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { SYNC_QUEUE } from '../../src/sync/sync-queue.ts';
import { attributionSnapshot } from '../attribution/support.ts';
import { conversionWorld } from '../conversions/world.ts';
import { expectExactlyOnce } from '../faults/support.ts';
import { putCrmLeads, TEST_MAPPINGS, useEngineWith } from '../support/engine.ts';
import { spawnWorker, until, type WorkerProcess } from '../support/worker-process.ts';

// Issue 12 acceptance: three kinds of reader on one tenant's change feed (an outbound sync, the
// attribution follower, the conversion deriver), each with its own cursor, in `dealerloop worker`
// processes that are SIGKILLed while a reader is mid-way; a last worker is left alone. Afterwards
// each reader has read every change once in effect: the destination holds every customer once,
// attribution equals a full recompute from the records, and the conversions are exactly the
// expected ones.

const masterKey = randomBytes(32).toString('hex');
const t = useEngineWith(
  { env: { HUB_MASTER_KEY: masterKey }, opts: { queueName: SYNC_QUEUE } },
  'crm',
  'dest',
);

const LEADS = 1_500;
const SALES = 500;
type Reader = 'attribution' | 'deriver' | 'outbound';
const READERS: readonly Reader[] = ['attribution', 'deriver', 'outbound'];

/** Leads with a gclid (one person each), and a DMS deal of each of the first SALES people. */
function putWorld() {
  putCrmLeads(t.crm, LEADS, {
    at: '2026-06-01T15:00:00Z',
    source: 'google',
    campaigns: 7,
    gclid: (i) => `G-${i}`,
    email: (i) => `shopper${i}@example.com`,
  });
  for (let i = 0; i < SALES; i++)
    t.crm.put('sales', {
      id: `S-${i}`,
      deal_number: String(50_000 + i),
      sale_date: '2026-06-21',
      new_used: 'used',
      total_gross: `${1_000 + i}.25`,
      email: `shopper${i}@example.com`,
    });
}

describe('three reader kinds on one change feed, through worker SIGKILLs', () => {
  it('each keeps its own cursor and ends having read every change once in effect', async () => {
    const { h } = t;
    const svc = h.engine.service.svc;
    const { redis, keys } = h.hub;
    const tenant = h.tenantId;
    const w = await conversionWorld(h, t.crm);
    const outbound = await h.addSync({
      connectionId: await h.connect('http-json', t.dest, { batchSize: 10 }),
      mapping: 'crm-a-contacts',
      mode: 'outbound',
    });
    putWorld();
    await w.ingest();
    // What an inbound run in a worker does after its pages: wake the readers of what changed.
    await h.engine.queue.notifyOutbound(tenant, new Set(['lead', 'sale', 'customer']));

    /** What each reader shows in Redis (or at the destination) of its progress. */
    let destWrites = 0;
    // A destination that takes its time (150 batches of 10, 20 ms each), so a kill finds the
    // outbound sync mid-way as it finds the others.
    t.dest.onWrite = async () => {
      destWrites++;
      await new Promise((r) => setTimeout(r, 20));
    };
    const progress = async (): Promise<Record<Reader, string>> => {
      const [attr, position, derive] = await Promise.all([
        redis.hmget(keys.attrMeta(tenant), PROGRESS_FIELD, GEN_FIELD),
        redis.hget(keys.feedPositions(tenant), POSITION_FIELD),
        deriverAt(),
      ]);
      return {
        attribution: `${attr.join('|')}|${position ?? ''}`,
        deriver: derive.join('|'),
        outbound: String(destWrites),
      };
    };
    const deriverAt = async () => {
      const positions = await redis.hgetall(keys.feedPositions(tenant));
      return DERIVE_ENTITIES.map((e) => positions[`${CONVERSIONS_READER}:derive:${e}`]);
    };
    /** Whether each reader has read to the end of the log (and delivered what it derives). */
    const done = async (): Promise<Record<Reader, boolean>> => {
      const end = await svc.records.lastChangeId(tenant);
      return {
        attribution: !(await h.hub.attribution.follower.behind(tenant)),
        deriver:
          (await deriverAt()).every((p) => p === end) && (await w.conversions()).size === SALES,
        outbound:
          (await svc.syncs.cursors(tenant, outbound.id)).outbound === end &&
          new Set(t.dest.list('contacts').map((r) => r.email)).size === LEADS,
      };
    };

    // One worker per reader, killed the moment that reader shows progress (a committed batch,
    // a recompute's progress, a batch at the destination) while it is not done.
    const hit = new Set<Reader>();
    for (const target of READERS) {
      // A reader already killed mid-way (by the kill of an earlier turn) is not waited for again:
      // its job comes back only after the lock of the killed worker lapses, which the last
      // worker below waits out.
      if (hit.has(target) || (await done())[target]) continue;
      const before = await progress();
      const worker: WorkerProcess = spawnWorker(h, masterKey, TEST_MAPPINGS);
      let moved: Reader[] = [];
      try {
        await until(async () => {
          const now = await progress();
          moved = READERS.filter((r) => now[r] !== before[r]);
          return moved.includes(target) || (await done())[target];
        }, `${target} to make progress`);
      } finally {
        worker.child.kill('SIGKILL'); // also when the wait fails: no worker outlives the test
      }
      expect(await worker.exited).toBeNull(); // killed by the signal
      const finished = await done();
      for (const r of moved) if (!finished[r]) hit.add(r);
      console.log(`readers-sigkill: killed while ${target} moved; mid-way: ${moved.join(', ')}`);
    }

    const last = spawnWorker(h, masterKey, TEST_MAPPINGS);
    try {
      // Settled: the deriver's own writes (buyers marked owners) woke the others once more.
      await until(
        async () =>
          Object.values(await done()).every(Boolean) &&
          (await svc.runs.list(tenant, outbound.id)).every((r) => r.status !== 'running') &&
          !(await redis.exists(keys.conversionsLock(tenant))),
        'every reader to finish after the kills',
        240_000,
      );
    } finally {
      last.child.kill('SIGTERM');
      await last.exited;
    }
    console.log(`readers-sigkill: readers killed mid-way: ${[...hit].join(', ')}`);
    expect([...hit].sort()).toEqual([...READERS]);

    // Own cursors: the attribution position and one deriver position per entity in the feed's
    // positions hash, the outbound sync's in its own state; each at the end of the log.
    const end = await svc.records.lastChangeId(tenant);
    const positions = await redis.hgetall(keys.feedPositions(tenant));
    expect(Object.keys(positions).sort()).toEqual(
      [POSITION_FIELD, ...DERIVE_ENTITIES.map((e) => `${CONVERSIONS_READER}:derive:${e}`)].sort(),
    );
    for (const p of Object.values(positions)) expect(p).toBe(end);
    expect((await svc.syncs.cursors(tenant, outbound.id)).outbound).toBe(end);
    // Outbound: every customer once at the destination, and nothing left to send.
    expectExactlyOnce(
      'three readers, worker SIGKILLs (outbound)',
      Array.from({ length: LEADS }, (_, i) => `shopper${i}@example.com`),
      t.dest.list('contacts').map((r) => String(r.email)),
    );
    expect((await runSync(svc, tenant, outbound.id, 'manual'))?.counts.written).toBe(0);
    // Attribution: what the follower built through the kills is what a recompute builds.
    const followed = await attributionSnapshot(redis, keys, tenant);
    expect(Object.keys(followed.sales!)).toHaveLength(SALES);
    await h.hub.attribution.recompute(tenant, undefined, { fromRecords: true });
    expect(followed).toEqual(await attributionSnapshot(redis, keys, tenant));
    // Deriver: one Google click conversion per deal, each with its buyer's gclid.
    const all = await w.conversions();
    expect([...all.keys()].sort()).toEqual(
      Array.from({ length: SALES }, (_, i) => `google-ads:${50_000 + i}`).sort(),
    );
    for (const [id, c] of all) expect(c.clickId).toBe(`G-${Number(id.split(':')[1]) - 50_000}`);
    // A pass now finds nothing to do: each reader is at its end.
    expect(await w.deriver.run(tenant)).toEqual({ conversions: 0, owners: 0, ran: true });
  }, 420_000);
});
