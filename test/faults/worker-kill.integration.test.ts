import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runSync } from '../../src/sync/run-sync.ts';
import { SYNC_QUEUE } from '../../src/sync/sync-queue.ts';
import type { Sync } from '../../src/sync/types.ts';
import { TEST_MAPPINGS, useEngineWith } from '../support/engine.ts';
import { expectExactlyOnce, faultSeed, seededRandom } from './support.ts';

// `dealerloop worker` child processes killed with SIGKILL at seeded random points of a run (before
// a batch is applied, after it is applied but before the answer, or a random few ms after a page
// or batch: mid-mapping, mid-Redis-write), three times in a row on the same job, then a worker
// that is left alone. The seed is printed; FAULT_SEED=<seed> replays the same points.

const BIN = join(import.meta.dirname, '../../bin/dealerloop.js');
const RECORDS = 2_000;
const KILLS = 3;
const masterKey = randomBytes(32).toString('hex');
const random = seededRandom(faultSeed('worker-kill'));

const t = useEngineWith(
  { env: { HUB_MASTER_KEY: masterKey }, opts: { queueName: SYNC_QUEUE } },
  'source',
  'dest',
);

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  kill(): Promise<void>;
}

/** A `dealerloop worker` process on the test's Redis prefix, mappings and master key. */
function worker(): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      ...process.env,
      REDIS_PREFIX: t.h.config.REDIS_PREFIX,
      HUB_MASTER_KEY: masterKey,
      MAPPINGS_DIR: TEST_MAPPINGS,
      ARCHIVE_URL: t.h.config.ARCHIVE_URL,
      DATA_DIR: t.h.config.DATA_DIR,
      JOB_LOCK_MS: '1000',
      // Stopping a worker at the end of a failed test must not leave a run writing after cleanup.
      SHUTDOWN_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Failed jobs of the queue with their reasons, for a failure message. */
async function failedJobs(): Promise<string> {
  const failed = await t.h.engine.queue.queue.getJobs(['failed']);
  return `failed jobs: ${failed.map((j) => `${j.name} ${j.failedReason}`).join('; ') || 'none'}`;
}

async function until(
  check: () => Promise<boolean> | boolean,
  what: string | (() => Promise<string>),
  ms = 60_000,
) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end)
      throw new Error(`gave up waiting for ${typeof what === 'string' ? what : await what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where a worker dies, counted from the start of its round (the nth page read or batch). */
type KillPoint =
  | { at: 'before-apply' | 'after-apply' | 'at-read'; n: number }
  | { at: 'timer'; n: number; ms: number };

function killPoints(kinds: readonly KillPoint['at'][]): KillPoint[] {
  return Array.from({ length: KILLS }, () => {
    const at = random.pick(kinds);
    const n = random.int(1, 5);
    return at === 'timer' ? { at, n, ms: random.int(0, 120) } : { at, n };
  });
}

const succeeded = async (sync: Sync) =>
  (await t.h.engine.service.svc.runs.list(t.h.tenantId, sync.id)).some(
    (r) => r.status === 'succeeded',
  );

/**
 * Runs `sync` through the queue on worker processes, killing each at its point (`arm` wires the
 * point to the fake system's hooks), then lets a last worker finish the run. Returns the kill
 * points that hit a running worker.
 */
async function runThroughKills(
  sync: Sync,
  points: KillPoint[],
  arm: (point: KillPoint, kill: () => Promise<void>) => void,
): Promise<KillPoint[]> {
  await t.h.engine.queue.runNow(sync);
  const hit: KillPoint[] = [];
  for (const [round, point] of points.entries()) {
    const w = worker();
    let killed = false;
    arm(point, async () => {
      killed = true;
      await w.kill();
    });
    await until(
      async () => killed || (await succeeded(sync)),
      async () => `kill ${round + 1} at ${JSON.stringify(point)} (${await failedJobs()})`,
    );
    await w.kill();
    if (!killed) break; // the run finished before the point: no more kills to make
    hit.push(point);
  }
  arm({ at: 'at-read', n: Infinity }, async () => undefined);
  const last = worker();
  try {
    await until(
      () => succeeded(sync),
      async () => `the run to succeed after ${hit.length} kills (${await failedJobs()})`,
    );
  } finally {
    last.child.kill('SIGTERM');
    await last.exited;
  }
  console.log(`worker-kill ${sync.mode}: killed at ${JSON.stringify(hit)}`);
  return hit;
}

/** Hooks counting from zero that call `kill` at the point's nth event (now, or `ms` after). */
function counter(point: KillPoint, kill: () => Promise<void>) {
  let n = 0;
  return async () => {
    if (++n !== point.n) return;
    if (point.at === 'timer') setTimeout(() => void kill(), point.ms);
    else await kill();
  };
}

async function runStatuses(sync: Sync) {
  return (await t.h.engine.service.svc.runs.list(t.h.tenantId, sync.id)).map((r) => r.status);
}

function putContacts() {
  for (let i = 0; i < RECORDS; i++) {
    t.source.put('contacts', {
      id: `a-${i}`,
      email: `buyer${i}@example.com`,
      first_name: `b${i}`,
      updated_at: '2026-11-20T10:00:00Z',
    });
  }
}

describe('workers killed with SIGKILL at random points of a run (seeded)', () => {
  it('inbound: after the kills the hub holds every source record exactly once', async () => {
    putContacts();
    const connectionId = await t.h.connect('http-json', t.source, { pageSize: 100 });
    const inbound = await t.h.addSync({ connectionId, mapping: 'crm-a-contacts', mode: 'inbound' });
    const hit = await runThroughKills(inbound, killPoints(['at-read', 'timer']), (point, kill) => {
      t.source.onRead = point.n === Infinity ? null : counter(point, kill);
    });
    expect(hit.length).toBeGreaterThanOrEqual(1);
    const statuses = await runStatuses(inbound);
    expect(statuses).not.toContain('running');
    expect(statuses.filter((s) => s === 'interrupted').length).toBeGreaterThanOrEqual(1);
    const links = await t.h.hub.redis.hgetall(
      t.h.hub.keys.links(t.h.tenantId, connectionId, 'contacts'),
    );
    expectExactlyOnce(
      `worker SIGKILL x${hit.length} mid-inbound (links)`,
      t.source.list('contacts').map((r) => String(r.id)),
      Object.keys(links),
    );
    const ids = await t.h.hub.redis.hkeys(t.h.hub.keys.records(t.h.tenantId, 'customer'));
    const stored = await t.h.engine.service.svc.records.getMany(t.h.tenantId, 'customer', ids);
    const emails = stored.map((r) => String(r?.f.email));
    expectExactlyOnce(
      `worker SIGKILL x${hit.length} mid-inbound (records)`,
      t.source.list('contacts').map((r) => String(r.email)),
      emails,
    );
    expect(new Set(Object.values(links)).size).toBe(RECORDS);
  }, 240_000);

  it('outbound: after the kills the destination holds every record exactly once in effect', async () => {
    putContacts();
    const inbound = await t.h.addSync({
      connectionId: await t.h.connect('http-json', t.source, { pageSize: 500 }),
      mapping: 'crm-a-contacts',
      mode: 'inbound',
    });
    await runSync(t.h.engine.service.svc, t.h.tenantId, inbound.id, 'manual');
    const outbound = await t.h.addSync({
      connectionId: await t.h.connect('http-json', t.dest, { batchSize: 100 }),
      mapping: 'crm-a-contacts',
      mode: 'outbound',
    });
    const kinds = ['before-apply', 'after-apply', 'timer'] as const;
    const hit = await runThroughKills(outbound, killPoints(kinds), (point, kill) => {
      t.dest.onWrite = point.at === 'before-apply' ? counter(point, kill) : null;
      t.dest.afterApply =
        point.at === 'before-apply' || point.n === Infinity ? null : counter(point, kill);
    });
    expect(hit.length).toBeGreaterThanOrEqual(1);
    const statuses = await runStatuses(outbound);
    expect(statuses).not.toContain('running');
    expect(statuses.filter((s) => s === 'interrupted').length).toBeGreaterThanOrEqual(1);
    expectExactlyOnce(
      `worker SIGKILL x${hit.length} mid-outbound`,
      t.source.list('contacts').map((r) => String(r.email)),
      t.dest.list('contacts').map((r) => String(r.email)),
    );
    expect(t.dest.applied.get('contacts')?.size).toBe(RECORDS);
    // And every canonical record is linked to the destination record it really became.
    const links = await t.h.hub.redis.hgetall(
      t.h.hub.keys.links(t.h.tenantId, outbound.connectionId, 'contacts'),
    );
    expect(Object.keys(links).sort()).toEqual(
      t.dest
        .list('contacts')
        .map((r) => String(r.id))
        .sort(),
    );
    expect(new Set(Object.values(links)).size).toBe(RECORDS);
    // A normal run afterwards has nothing left to send.
    expect(
      (await runSync(t.h.engine.service.svc, t.h.tenantId, outbound.id, 'manual'))?.counts.written,
    ).toBe(0);
  }, 240_000);
});
