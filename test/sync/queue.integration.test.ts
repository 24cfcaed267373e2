import { describe, expect, it } from 'vitest';

import { tryLock } from '../../src/sync/lock.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { startWorkers } from '../../src/worker/pool.ts';
import { useEngineWithSystems } from '../support/engine.ts';

const t = useEngineWithSystems('system');

const inboundSync = async (extra: Record<string, unknown> = {}) =>
  t.h.addSync({
    connectionId: await t.h.connect('http-json', t.system),
    mapping: 'crm-a-contacts',
    mode: 'inbound',
    ...extra,
  });

/** `n` contacts in the system and an inbound sync reading them (connection settings optional). */
async function withContacts(n: number, settings?: Record<string, unknown>) {
  for (let i = 0; i < n; i++)
    t.system.put('contacts', {
      id: `a-${i}`,
      email: `p${i}@example.com`,
      updated_at: '2026-11-20T10:00:00Z',
    });
  return settings
    ? inboundSync({ connectionId: await t.h.connect('http-json', t.system, settings) })
    : inboundSync();
}

/** `n` contacts in the system and an inbound sync reading them one per page. */
const onePerPage = (n: number) => withContacts(n, { pageSize: 1 });

describe('sync scheduling', () => {
  it('a cron schedule becomes a BullMQ job scheduler; pause removes it and resume restores it', async () => {
    const sync = await inboundSync({ schedule: '*/15 * * * *', timezone: 'America/Chicago' });
    const schedulers = () => t.h.engine.queue.queue.getJobSchedulers();
    expect(await schedulers()).toEqual([
      expect.objectContaining({
        key: `sync:${t.h.tenantId}:${sync.id}`,
        pattern: '*/15 * * * *',
        tz: 'America/Chicago',
      }),
    ]);
    await t.h.engine.service.pause(t.h.tenantId, sync.id);
    expect(await schedulers()).toEqual([]);
    await expect(t.h.engine.service.runNow(t.h.tenantId, sync.id)).rejects.toMatchObject({
      code: 'sync_paused',
    });
    expect(await runSync(t.h.engine.service.svc, t.h.tenantId, sync.id, 'schedule')).toBeNull();
    await t.h.engine.service.resume(t.h.tenantId, sync.id);
    expect(await schedulers()).toHaveLength(1);
  });

  it('refuses a sync whose mapping, stream or mode does not fit its connection, naming each field', async () => {
    const connectionId = await t.h.connect('crm-b', t.system);
    const err = await t.h.engine.service
      .create(t.h.tenantId, { name: 'x', connectionId, mapping: 'crm-a-contacts', mode: 'two-way' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 422,
      details: [{ path: 'mapping', message: expect.stringContaining('"http-json"') }],
    });
    await expect(
      t.h.engine.service.create(t.h.tenantId, {
        name: 'x',
        connectionId,
        mapping: 'no-such-mapping',
        mode: 'inbound',
      }),
    ).rejects.toMatchObject({ code: 'unknown_mapping' });
  });

  it('webhook hints within the debounce window make one run', async () => {
    const sync = await inboundSync({ debounceMs: 60_000 });
    for (let i = 0; i < 5; i++) await t.h.engine.queue.hint(sync);
    expect(await t.h.engine.queue.queue.getDelayedCount()).toBe(1);
  });

  it('one run per sync at a time: a second run is coalesced into one follow-up run', async () => {
    const sync = await inboundSync();
    const lock = await tryLock(
      t.h.hub.redis,
      t.h.hub.keys.syncLock(t.h.tenantId, sync.id),
      'another-worker',
    );
    expect(await runSync(t.h.engine.service.svc, t.h.tenantId, sync.id, 'manual')).toBeNull();
    await lock!.release();
    let requeued = 0;
    const report = await runSync(t.h.engine.service.svc, t.h.tenantId, sync.id, 'manual', {
      requeue: async () => void requeued++,
    });
    expect(report?.status).toBe('succeeded');
    expect(requeued).toBe(1);
  });

  it('a queued run is processed by a worker and leaves a run report with counts and timing', async () => {
    const sync = await withContacts(1);
    const pool = await startWorkers(t.h.hub, [t.h.engine.queue.processor(1)]);
    try {
      await t.h.engine.service.runNow(t.h.tenantId, sync.id);
      for (
        let i = 0;
        i < 100 &&
        !(await t.h.engine.service.runs(t.h.tenantId, sync.id)).some(
          (r) => r.status === 'succeeded',
        );
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await pool.close();
    }
    const [run] = await t.h.engine.service.runs(t.h.tenantId, sync.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      counts: { read: 1, created: 1 },
      batches: 1,
    });
    expect(run!.durationMs).toBeGreaterThanOrEqual(0);
    expect(await t.h.engine.service.svc.runs.get(t.h.tenantId, run!.id)).toEqual(run);
  });

  it('backfill resets the cursors and reads everything again', async () => {
    const sync = await withContacts(1);
    await runSync(t.h.engine.service.svc, t.h.tenantId, sync.id, 'manual');
    expect(
      (await runSync(t.h.engine.service.svc, t.h.tenantId, sync.id, 'manual'))?.counts.read,
    ).toBe(0);
    await t.h.engine.service.backfill(t.h.tenantId, sync.id);
    expect(await t.h.engine.queue.queue.getWaitingCount()).toBe(1);
    expect(
      (await runSync(t.h.engine.service.svc, t.h.tenantId, sync.id, 'backfill'))?.counts,
    ).toMatchObject({ read: 1, unchanged: 1 });
  });

  it('a long inbound run wakes outbound syncs while it reads, and once more at the end', async () => {
    const sync = await onePerPage(6);
    const pagesReadAtWake: number[] = [];
    const report = await runSync(t.h.engine.service.svc, t.h.tenantId, sync.id, 'manual', {
      onChanges: async (entities) => {
        expect([...entities]).toEqual(['customer']);
        pagesReadAtWake.push(t.system.count('GET', '/contacts'));
      },
    });
    expect(report?.counts.created).toBe(6);
    // Woken once the first page was committed (later pages were still to be read), then at the end.
    const pages = t.system.count('GET', '/contacts');
    expect(pages).toBeGreaterThanOrEqual(6);
    expect(pagesReadAtWake[0]).toBeLessThan(pages);
    expect(pagesReadAtWake[pagesReadAtWake.length - 1]).toBe(pages);
    expect(pagesReadAtWake.length).toBeGreaterThanOrEqual(2);
  });

  it('pages ingested side by side save their cursors in order; a failed read keeps the rest for the next run', async () => {
    const sync = await onePerPage(8);
    t.system.failRead = { n: 5, status: 400 };
    const svc = t.h.engine.service.svc;
    await expect(runSync(svc, t.h.tenantId, sync.id, 'manual')).rejects.toThrow();
    const [first] = await t.h.engine.service.runs(t.h.tenantId, sync.id);
    expect(first?.status).toBe('failed');
    // Only pages before the failed read can be committed; the saved cursor is never past them.
    const saved = Number((await svc.syncs.cursors(t.h.tenantId, sync.id)).inbound);
    expect(saved).toBeGreaterThanOrEqual(1);
    expect(saved).toBeLessThanOrEqual(4);
    const again = await runSync(svc, t.h.tenantId, sync.id, 'manual');
    expect(again?.status).toBe('succeeded');
    expect(first!.counts.created + again!.counts.created).toBe(8);
    expect(again!.counts.created + again!.counts.unchanged).toBe(8 - saved);
  });
});
