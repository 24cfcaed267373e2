import { describe, expect, it } from 'vitest';

import { tryLock } from '../../src/sync/lock.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { STALE_WEBHOOK_RUN_MS, sweepStaleRuns } from '../../src/sync/stale-runs.ts';
import { useEngineWithSystems } from '../support/engine.ts';

const t = useEngineWithSystems('source');

async function inboundSync() {
  t.source.put('contacts', {
    id: 'c-1',
    email: 'p1@example.com',
    updated_at: '2026-11-20T10:00:00Z',
  });
  return t.h.addSync({
    connectionId: await t.h.connect('http-json', t.source),
    mapping: 'crm-a-contacts',
    mode: 'inbound',
  });
}

describe('runs left running by a stopped worker', () => {
  it('are closed as interrupted when the job restarts and takes its own lock back', async () => {
    const svc = t.h.engine.service.svc;
    const sync = await inboundSync();
    // A worker took the lock as job 7, started its run and was killed.
    await tryLock(t.h.hub.redis, t.h.hub.keys.syncLock(t.h.tenantId, sync.id), 'job:7');
    const killed = await svc.runs.start(t.h.tenantId, sync.id, 'manual', 'job:7');
    const again = await runSync(svc, t.h.tenantId, sync.id, 'manual', { runner: 'job:7' });
    expect(again?.status).toBe('succeeded');
    const closed = await svc.runs.get(t.h.tenantId, killed.id);
    expect(closed).toMatchObject({
      status: 'interrupted',
      errors: [expect.stringMatching(/^interrupted: /)],
    });
    expect(closed.finishedAt).not.toBeNull();
  });

  it('are closed when their lock lapsed and another run takes it', async () => {
    const svc = t.h.engine.service.svc;
    const sync = await inboundSync();
    const killed = await svc.runs.start(t.h.tenantId, sync.id, 'schedule', 'job:gone');
    expect((await runSync(svc, t.h.tenantId, sync.id, 'manual'))?.status).toBe('succeeded');
    expect((await svc.runs.get(t.h.tenantId, killed.id)).status).toBe('interrupted');
  });

  it('are swept at worker start, except runs whose lock is held or young webhook ingests', async () => {
    const svc = t.h.engine.service.svc;
    const [free, held] = [await inboundSync(), await inboundSync()];
    const stale = await svc.runs.start(t.h.tenantId, free.id, 'manual', 'job:1');
    const webhookOld = await svc.runs.start(t.h.tenantId, free.id, 'webhook');
    webhookOld.startedAt = new Date(Date.now() - STALE_WEBHOOK_RUN_MS - 1_000).toISOString();
    await svc.runs.save(webhookOld);
    const webhookNew = await svc.runs.start(t.h.tenantId, free.id, 'webhook');
    await tryLock(t.h.hub.redis, t.h.hub.keys.syncLock(t.h.tenantId, held.id), 'job:2');
    const live = await svc.runs.start(t.h.tenantId, held.id, 'manual', 'job:2');
    expect(await sweepStaleRuns(svc)).toBe(2);
    const status = async (id: string) => (await svc.runs.get(t.h.tenantId, id)).status;
    expect(await status(stale.id)).toBe('interrupted');
    expect(await status(webhookOld.id)).toBe('interrupted');
    expect(await status(webhookNew.id)).toBe('running');
    expect(await status(live.id)).toBe('running');
  });
});
