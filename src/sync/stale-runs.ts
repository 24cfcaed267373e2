import type { SyncServices } from './services.ts';
import type { RunReport } from './types.ts';

/** Newest runs of a sync looked at for stale ones (one run holds the lock at a time). */
const RUNS_LOOKED_AT = 20;
/**
 * A webhook ingest (one delivery's records, no lock) still `running` after this long was
 * stopped by its worker's end: nothing else would finish it.
 */
export const STALE_WEBHOOK_RUN_MS = 15 * 60_000;

const REASON_LOCKED =
  'interrupted: its worker stopped (killed, restarted or cut off from Redis) or lost the sync lock before the run finished; the next run goes on from the last saved cursor';
const REASON_WEBHOOK = `interrupted: still running ${STALE_WEBHOOK_RUN_MS / 60_000} minutes after it started, so its worker stopped; the delivery is in the archive`;

/**
 * Closes a sync's runs left `running` by a worker that is gone, as `interrupted`. Call it only
 * while no live run can hold the sync lock: right after taking the lock (a restarted job, or a
 * lock that lapsed) or when the lock is free (the sweep at worker start). Returns how many.
 */
export async function closeStaleRuns(
  svc: SyncServices,
  tenantId: string,
  syncId: string,
  now = Date.now(),
): Promise<number> {
  const runs = await svc.runs.list(tenantId, syncId, RUNS_LOOKED_AT);
  const stale = runs.filter(
    (r: RunReport) =>
      r.status === 'running' &&
      (r.holder !== undefined || now - Date.parse(r.startedAt) > STALE_WEBHOOK_RUN_MS),
  );
  for (const r of stale) {
    await svc.runs.finish(r, 'interrupted', r.holder ? REASON_LOCKED : REASON_WEBHOOK);
    svc.hub.log.warn({ tenantId, syncId, runId: r.id }, 'stale run closed as interrupted');
  }
  return stale.length;
}

/**
 * At worker start: closes the stale runs of every sync whose lock is free (a run holding its
 * lock may be live in another worker process). Returns how many were closed.
 */
export async function sweepStaleRuns(svc: SyncServices): Promise<number> {
  const { hub } = svc;
  let closed = 0;
  for (const tenant of await hub.tenants.list()) {
    for (const id of await hub.redis.smembers(hub.keys.syncs(tenant.id))) {
      if (await hub.redis.exists(hub.keys.syncLock(tenant.id, id))) continue;
      closed += await closeStaleRuns(svc, tenant.id, id);
    }
  }
  return closed;
}
