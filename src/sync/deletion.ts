import { StoredValueError } from '../entities/stored.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import { tryLock } from './lock.ts';
import { forgetPendingCreates } from './pending-creates.ts';
import type { SyncServices } from './services.ts';
import type { Sync } from './types.ts';

/** Keys a SCAN call looks at (a hint to Redis). */
const SCAN_COUNT = 1000;

/**
 * Deletes a sync and what belongs to it alone: its definition, cursors, run history (the list and
 * each run's report), lock and pending-run flag (`SyncStore.remove`), its fields of its sink's
 * pending creates (left by a crashed run: read by every later run, cleared by none), and its
 * quarantine entries and dead letters (removals archived, so a rebuild does not bring them back).
 * The canonical records and the connection's links stay: they are the tenant's and the
 * connection's. Schedule and feed registration are the queue's (`SyncService.remove`).
 * Refused while a run of it holds its lock (`sync_running`: a run would go on writing what the
 * deletion removes); the deletion holds the lock itself, so no run starts meanwhile.
 * @throws AppError 409 `sync_running`.
 */
export async function deleteSync(svc: SyncServices, tenantId: string, syncId: string) {
  const token = `delete:${process.pid}:${Date.now()}`;
  const lock = await tryLock(svc.hub.redis, svc.hub.keys.syncLock(tenantId, syncId), token);
  if (!lock)
    throw new AppError(
      409,
      'sync_running',
      'The sync is running: wait for its run to finish (or pause the sync), then delete it',
      [{ path: 'sync', message: syncId }],
    );
  try {
    await deleteUnlocked(svc, tenantId, syncId);
  } finally {
    await lock.release();
  }
}

/** `deleteSync` once it holds the sync's lock. */
async function deleteUnlocked(svc: SyncServices, tenantId: string, syncId: string) {
  // A sync whose stored definition is bad can still be deleted; its pending creates are unknown.
  const sync = await svc.syncs.get(tenantId, syncId).catch((err: unknown) => {
    if (err instanceof StoredValueError) return null;
    throw err;
  });
  if (sync && sync.mode !== 'inbound') {
    const sink = await sinkOf(svc, sync);
    if (sink) {
      const hash = svc.hub.keys.pendingCreates(tenantId, sync.connectionId, sink);
      await forgetPendingCreates(svc.hub.redis, hash, syncId);
    }
  }
  await svc.quarantine.removeOfSync(tenantId, syncId);
  await svc.deadLetters.removeOfSync(tenantId, syncId);
  await svc.syncs.remove(tenantId, syncId);
}

/** The sink a sync writes: its own, or its mapping's stream (null when the mapping is gone). */
async function sinkOf(svc: SyncServices, sync: Sync): Promise<string | null> {
  if (sync.sink) return sync.sink;
  const mapping = await svc.mappings.get(sync.mapping, sync.tenantId).catch(() => null);
  return mapping?.stream ?? null;
}

/**
 * Deletes a connection and what belongs to it alone: its sealed credentials and OAuth token, the
 * links, landings, destination hashes and pending creates of each of its streams and sinks, its
 * rate buckets and in-flight leases (`Keys.connectionData`: one SCAN of the tenant's keys, as
 * generic connectors take any stream name). Refused while syncs use it (`connection_in_use`,
 * naming them): delete those first. What the archive holds of it stays (append-only history),
 * and so do the data-quality counts of its past imports (the tenant's report by day).
 * @throws AppError `not_found`, or 409 `connection_in_use`.
 */
export async function deleteConnection(svc: SyncServices, tenantId: string, connectionId: string) {
  const { redis, keys: k } = svc.hub;
  // Existence only: a connection whose stored value is bad can still be deleted.
  if (!(await redis.hexists(k.connection(tenantId, connectionId), 'id')))
    throw notFound('connection');
  const users = await syncsUsing(svc, tenantId, connectionId);
  if (users.length)
    throw new AppError(
      409,
      'connection_in_use',
      `The connection is used by ${users.length} sync(s); delete them first`,
      users.map((id) => ({ path: 'syncs', message: id })),
    );
  const { match, owns } = k.connectionData(tenantId, connectionId);
  const data: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
    data.push(...found.filter(owns));
    cursor = next;
  } while (cursor !== '0');
  await svc.hub.connections.remove(tenantId, connectionId, data);
}

/** Ids of the tenant's syncs on a connection, read raw (a sync with a bad definition counts). */
async function syncsUsing(svc: SyncServices, tenantId: string, connectionId: string) {
  const { redis, keys: k } = svc.hub;
  const ids = (await redis.smembers(k.syncs(tenantId))).sort();
  const read = redis.pipeline();
  for (const id of ids) read.hget(k.sync(tenantId, id), 'def');
  const defs = ((await read.exec()) ?? []).map(([, def]) => def);
  return ids.filter((_, i) => {
    const def = defs[i];
    return typeof def === 'string' && connectionOf(def) === connectionId;
  });
}

/** The connection id of a stored sync definition, read without its schema. */
function connectionOf(def: string): unknown {
  try {
    return (JSON.parse(def) as { connectionId?: unknown }).connectionId;
  } catch {
    return undefined;
  }
}
