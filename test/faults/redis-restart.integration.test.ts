import { afterEach, describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import type { RunReport } from '../../src/sync/types.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';
import { scanKeys } from '../support/hub.ts';
import { OwnRedis } from '../support/redis-server.ts';
import { expectExactlyOnce } from './support.ts';

/** Records at the source: three walk steps of CHANGES_PER_STEP, ten sink batches of 500. */
const N = 5_000;

let redis: OwnRedis;
let h: EngineHarness;
let source: FakeSystem;
let sink: FakeSystem;

async function open(persist: boolean) {
  restarts = 0;
  redis = await new OwnRedis(persist).start();
  h = await openEngineHarness({ REDIS_URL: redis.url });
  source = await new FakeSystem().start();
  sink = await new FakeSystem().start();
  for (let i = 0; i < N; i++) {
    source.put('contacts', {
      id: `c-${i}`,
      email: `p${i}@example.com`,
      first_name: `person${i}`,
      updated_at: '2026-11-20T10:00:00Z',
    });
  }
  const inbound = await h.addSync({
    connectionId: await h.connect('http-json', source, { pageSize: 500 }),
    mapping: 'crm-a-contacts',
    mode: 'inbound',
  });
  const outbound = await h.addSync({
    connectionId: await h.connect('http-json', sink),
    mapping: 'crm-a-contacts',
    mode: 'outbound',
  });
  return { inbound, outbound };
}

const run = (syncId: string) => runSync(h.engine.service.svc, h.tenantId, syncId, 'manual');

/** Runs a sync; a failed run is returned as its stored report (the run must say why). */
async function runOrReport(syncId: string): Promise<RunReport> {
  try {
    return (await run(syncId))!;
  } catch {
    const [report] = await h.engine.service.svc.runs.list(h.tenantId, syncId, 1);
    return report!;
  }
}

/** Redis restarts made by `restartOn` hooks in this test. */
let restarts = 0;

/** Kills Redis and starts it again (on the same port) when `hook` is called the `n`th time. */
function restartOn(n: number): () => Promise<void> {
  let calls = 0;
  return async () => {
    if (++calls !== n) return;
    await redis.kill();
    await redis.start();
    restarts++;
  };
}

/** The emails at the sink, and whether each source record is there exactly once. */
function exactlyOnce() {
  const held = sink.list('contacts').map((r) => r.email as string);
  return { held: held.length, distinct: new Set(held).size };
}

/** The source's emails and the hub's customers' emails (what an inbound run stored). */
async function inHub() {
  const ids = await h.hub.redis.hkeys(h.hub.keys.records(h.tenantId, 'customer'));
  const stored = await h.engine.service.svc.records.getMany(h.tenantId, 'customer', ids);
  return {
    source: source.list('contacts').map((r) => String(r.email)),
    hub: stored.map((r) => String(r?.f.email)),
  };
}

/** Runs a sync until a run succeeds (at most 5 runs); every failed run must say why. */
async function runUntilSucceeded(syncId: string): Promise<RunReport[]> {
  const runs = [await runOrReport(syncId)];
  while (runs.at(-1)!.status !== 'succeeded' && runs.length < 5)
    runs.push(await runOrReport(syncId));
  for (const r of runs) if (r.status === 'failed') expect(r.errors.join(' ')).not.toBe('');
  expect(runs.at(-1)!.status).toBe('succeeded');
  expect(restarts).toBe(1); // the fault did happen mid-run
  return runs;
}

/** Every run report stored under this hub's prefix (SCAN, as on the shared Redis). */
async function storedRuns(): Promise<RunReport[]> {
  const reports = await scanKeys(h.hub.redis, `${h.config.REDIS_PREFIX}:*:run:*`);
  return Promise.all(
    reports.map(async (k) => JSON.parse((await h.hub.redis.get(k))!) as RunReport),
  );
}

/** /readyz of an API on this hub: 503 naming the lost data. */
async function expectReadyzNoticesLoss() {
  const ready = await createApp(h.hub, h.engine.service).request('/readyz');
  expect(ready.status).toBe(503);
  expect(JSON.stringify(await ready.json())).toMatch(
    /Redis lost its data since this process started/,
  );
}

afterEach(async () => {
  await h?.close().catch(() => undefined);
  await source?.stop();
  await sink?.stop();
  await redis?.stop();
});

describe('Redis restart (its own redis-server, kill -9)', () => {
  it('mid-outbound-walk with its data kept: the destination ends with every record exactly once', async () => {
    const { inbound, outbound } = await open(true);
    expect((await run(inbound.id))?.counts.created).toBe(N);
    sink.onWrite = restartOn(5); // mid-walk: the first step's cursor is saved, the rest is not
    const runs = await runUntilSucceeded(outbound.id);
    const emails = () => sink.list('contacts').map((r) => String(r.email));
    const want = source.list('contacts').map((r) => String(r.email));
    expectExactlyOnce(`Redis kill -9 mid-outbound, AOF kept (${runs.length} runs)`, want, emails());
    // A normal run afterwards has nothing left to send.
    expect((await run(outbound.id))?.counts.written).toBe(0);
    expect(exactlyOnce()).toEqual({ held: N, distinct: N });
  });

  it('mid-outbound-walk with its data lost: the run fails saying so, never "succeeded"', async () => {
    const { inbound, outbound } = await open(false);
    expect((await run(inbound.id))?.counts.created).toBe(N);
    sink.onWrite = restartOn(5);
    await expect(run(outbound.id)).rejects.toThrow(/lost|Connection|not found/i);
    const stored = await storedRuns();
    expect(stored.map((r) => r.status)).toEqual(['failed']);
    expect(stored[0]!.errors.join(' ')).toMatch(/lost tenant store-a's data|Connection/);
    expect(exactlyOnce().held).toBeLessThan(N); // what was sent, once; the rest needs a rebuild
    expect(exactlyOnce().distinct).toBe(exactlyOnce().held);
    console.log(
      `fault counts | Redis kill -9 mid-outbound, no persistence: run failed | source ${N} | destination ${exactlyOnce().held} (${exactlyOnce().distinct} distinct; the rest needs a rebuild)`,
    );
    await expectReadyzNoticesLoss();
  });

  it('mid-inbound with its data lost: the run fails saying so', async () => {
    const { inbound } = await open(false);
    source.onRead = restartOn(4);
    await expect(run(inbound.id)).rejects.toThrow();
    const stored = await storedRuns();
    expect(stored.map((r) => r.status)).toEqual(['failed']);
    expect(stored[0]!.errors.join(' ')).toMatch(/lost tenant store-a's data|Connection/);
    console.log(
      `fault counts | Redis kill -9 mid-inbound, no persistence: run failed | source ${N} | hub ${(await inHub()).hub.length} (Redis came back empty)`,
    );
    await expectReadyzNoticesLoss();
  });

  it('mid-inbound with its data kept: the hub ends with every source record exactly once', async () => {
    const { inbound } = await open(true);
    source.onRead = restartOn(4); // the fourth page read: three pages stored, their cursor saved
    const runs = await runUntilSucceeded(inbound.id);
    const { source: want, hub } = await inHub();
    expectExactlyOnce(`Redis kill -9 mid-inbound, AOF kept (${runs.length} runs)`, want, hub);
    // A normal run afterwards reads nothing new and changes nothing.
    expect((await run(inbound.id))?.counts).toMatchObject({ created: 0, updated: 0 });
  });
});
