import { entityNames } from '../canonical/index.ts';
import { FeedRegistry } from '../feed/registry.ts';
import type { SyncServices } from './services.ts';

/** Change log entries one XRANGE of the lag asks for. */
const LAG_ENTRIES_PER_READ = 64;
/**
 * Entries the lag looks through at most: past them it reports the age of the last one looked at,
 * an upper bound (the reader's next change is no older than it).
 */
export const MAX_LAG_SCAN_ENTRIES = 2_048;

/** Milliseconds of a change log entry id (`<ms>-<seq>`), or null for other cursors. */
const entryMs = (id: string | null) =>
  id && /^\d+-\d+$/.test(id) ? Number(id.split('-')[0]) : null;

/** The value of field `name` in an XRANGE entry's flat field list. */
function fieldOf(kv: string[], name: string): string | undefined {
  for (let i = 0; i < kv.length; i += 2) if (kv[i] === name) return kv[i + 1];
  return undefined;
}

/**
 * How far an outbound sync is behind its tenant's change log: the age in seconds of the oldest
 * change of the entities it reads (the feed's registry of readers by entity) that it has not
 * passed yet, 0 when there is none. Changes of other entities (a spend or DMS run, for a sync of
 * leads) do not count. A sync the registry does not know yet counts every entity.
 */
export async function outboundLagSeconds(
  svc: SyncServices,
  tenantId: string,
  syncId: string,
  now = Date.now(),
): Promise<number> {
  const registry = new FeedRegistry(svc.hub.redis, svc.hub.keys);
  const [cursor, reads] = await Promise.all([
    svc.syncs.cursors(tenantId, syncId).then((c) => c.outbound),
    registry.entitiesOf(tenantId, entityNames, { kind: 'outbound', id: syncId }),
  ]);
  const wanted = reads.length ? new Set(reads) : null;
  const key = svc.hub.keys.changes(tenantId);
  let from = entryMs(cursor) === null ? '-' : `(${cursor}`;
  for (let seen = 0; seen < MAX_LAG_SCAN_ENTRIES;) {
    const rows = await svc.hub.redis.xrange(key, from, '+', 'COUNT', LAG_ENTRIES_PER_READ);
    for (const [id, kv] of rows) {
      seen++;
      if (!wanted || wanted.has(fieldOf(kv, 'e') ?? '') || seen >= MAX_LAG_SCAN_ENTRIES)
        return Math.max(0, (now - entryMs(id)!) / 1000);
    }
    if (rows.length < LAG_ENTRIES_PER_READ) return 0;
    from = `(${rows[rows.length - 1]![0]}`;
  }
  return 0;
}
