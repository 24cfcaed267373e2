import type { SyncServices } from './services.ts';

/** Milliseconds of a change log entry id (`<ms>-<seq>`), or null for other cursors. */
const entryMs = (id: string | null) =>
  id && /^\d+-\d+$/.test(id) ? Number(id.split('-')[0]) : null;

/**
 * How far an outbound sync is behind its tenant's change log: the age in seconds of the oldest
 * change it has not sent yet (0 when it is caught up). One XRANGE of one entry.
 */
export async function outboundLagSeconds(
  svc: SyncServices,
  tenantId: string,
  syncId: string,
  now = Date.now(),
): Promise<number> {
  const cursor = (await svc.syncs.cursors(tenantId, syncId)).outbound;
  const from = entryMs(cursor) === null ? '-' : `(${cursor}`;
  const key = svc.hub.keys.changes(tenantId);
  const [next] = await svc.hub.redis.xrange(key, from, '+', 'COUNT', 1);
  const oldest = entryMs(next?.[0] ?? null);
  return oldest === null ? 0 : Math.max(0, (now - oldest) / 1000);
}
