import type { Hub } from '../hub.ts';
import { decodeDestination } from './destinations.ts';

/** Where a system's records live: a tenant's connection. */
interface At {
  tenantId: string;
  connectionId: string;
}

/**
 * The records, among `ids` (a system's own record ids), that this hub wrote to the connection
 * through `sink`, each with the canonical record it wrote it from: the sink's link table names a
 * canonical record for the id, and that record's write record (its destination entry) holds the
 * same id with a version sent, which only an outbound write records. A property a CRM user can
 * also set (such as a DMS deal number) is no proof of authorship; this is.
 */
export async function hubWrittenFrom(
  hub: Hub,
  at: At,
  sink: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const own = new Map<string, string>();
  if (ids.length === 0) return own;
  const k = hub.keys;
  const canonical = await hub.redis.hmget(k.links(at.tenantId, at.connectionId, sink), ...ids);
  const linked = ids.flatMap((id, i) => (canonical[i] ? [{ id, canonicalId: canonical[i] }] : []));
  if (linked.length === 0) return own;
  const dest = await hub.redis.hmget(
    k.destinations(at.tenantId, at.connectionId, sink),
    ...linked.map((l) => l.canonicalId),
  );
  linked.forEach((l, i) => {
    const d = decodeDestination(dest[i]);
    if (d.id === l.id && d.v !== null) own.set(l.id, l.canonicalId);
  });
  return own;
}

/** The ids, among `ids`, of the records this hub wrote to the connection through `sink`. */
export async function writtenByHub(
  hub: Hub,
  at: At,
  sink: string,
  ids: readonly string[],
): Promise<Set<string>> {
  return new Set((await hubWrittenFrom(hub, at, sink, ids)).keys());
}
