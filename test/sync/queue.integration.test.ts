import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { tryLock } from '../../src/sync/lock.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { startWorkers } from '../../src/worker/pool.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';

let h: EngineHarness;
let system: FakeSystem;

beforeEach(async () => {
  h = await openEngineHarness();
  system = await new FakeSystem().start();
});
afterEach(async () => {
  await h.close();
  await system.stop();
});

const inboundSync = async (extra: Record<string, unknown> = {}) =>
  h.addSync({
    connectionId: await h.connect('http-json', system),
    mapping: 'crm-a-contacts',
    mode: 'inbound',
    ...extra,
  });

describe('sync scheduling', () => {
  it('a cron schedule becomes a BullMQ job scheduler; pause removes it and resume restores it', async () => {
    const sync = await inboundSync({ schedule: '*/15 * * * *', timezone: 'America/Chicago' });
    const schedulers = () => h.engine.queue.queue.getJobSchedulers();
    expect(await schedulers()).toEqual([
      expect.objectContaining({
        key: `sync:${h.tenantId}:${sync.id}`,
        pattern: '*/15 * * * *',
        tz: 'America/Chicago',
      }),
    ]);
    await h.engine.service.pause(h.tenantId, sync.id);
    expect(await schedulers()).toEqual([]);
    await expect(h.engine.service.runNow(h.tenantId, sync.id)).rejects.toMatchObject({
      code: 'sync_paused',
    });
    expect(await runSync(h.engine.service.svc, h.tenantId, sync.id, 'schedule')).toBeNull();
    await h.engine.service.resume(h.tenantId, sync.id);
    expect(await schedulers()).toHaveLength(1);
  });

  it('refuses a sync whose mapping, stream or mode does not fit its connection, naming each field', async () => {
    const connectionId = await h.connect('crm-b', system);
    const err = await h.engine.service
      .create(h.tenantId, { name: 'x', connectionId, mapping: 'crm-a-contacts', mode: 'two-way' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 422,
      details: [{ path: 'mapping', message: expect.stringContaining('"http-json"') }],
    });
    await expect(
      h.engine.service.create(h.tenantId, {
        name: 'x',
        connectionId,
        mapping: 'no-such-mapping',
        mode: 'inbound',
      }),
    ).rejects.toMatchObject({ code: 'unknown_mapping' });
  });

  it('webhook hints within the debounce window make one run', async () => {
    const sync = await inboundSync({ debounceMs: 60_000 });
    for (let i = 0; i < 5; i++) await h.engine.queue.hint(sync);
    expect(await h.engine.queue.queue.getDelayedCount()).toBe(1);
  });

  it('one run per sync at a time: a second run is coalesced into one follow-up run', async () => {
    const sync = await inboundSync();
    const lock = await tryLock(
      h.hub.redis,
      h.hub.keys.syncLock(h.tenantId, sync.id),
      'another-worker',
    );
    expect(await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual')).toBeNull();
    await lock!.release();
    let requeued = 0;
    const report = await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual', {
      requeue: async () => void requeued++,
    });
    expect(report?.status).toBe('succeeded');
    expect(requeued).toBe(1);
  });

  it('a queued run is processed by a worker and leaves a run report with counts and timing', async () => {
    system.put('contacts', {
      id: 'a-1',
      email: 'x@example.com',
      updated_at: '2026-11-20T10:00:00Z',
    });
    const sync = await inboundSync();
    const pool = await startWorkers(h.hub, [h.engine.queue.processor(1)]);
    try {
      await h.engine.service.runNow(h.tenantId, sync.id);
      for (
        let i = 0;
        i < 100 &&
        !(await h.engine.service.runs(h.tenantId, sync.id)).some((r) => r.status === 'succeeded');
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await pool.close();
    }
    const [run] = await h.engine.service.runs(h.tenantId, sync.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      counts: { read: 1, created: 1 },
      batches: 1,
    });
    expect(run!.durationMs).toBeGreaterThanOrEqual(0);
    expect(await h.engine.service.svc.runs.get(h.tenantId, run!.id)).toEqual(run);
  });

  it('backfill resets the cursors and reads everything again', async () => {
    system.put('contacts', {
      id: 'a-1',
      email: 'x@example.com',
      updated_at: '2026-11-20T10:00:00Z',
    });
    const sync = await inboundSync();
    await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual');
    expect((await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual'))?.counts.read).toBe(
      0,
    );
    await h.engine.service.backfill(h.tenantId, sync.id);
    expect(await h.engine.queue.queue.getWaitingCount()).toBe(1);
    expect(
      (await runSync(h.engine.service.svc, h.tenantId, sync.id, 'backfill'))?.counts,
    ).toMatchObject({ read: 1, unchanged: 1 });
  });
});
