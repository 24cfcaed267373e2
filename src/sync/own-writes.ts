import type { Hub } from '../hub.ts';
import { decodeDestination } from './destinations.ts';

/**
 * The ids, among `ids` (a system's own record ids), of the records this hub wrote to the
 * connection through `sink`: the sink's link table names a canonical record for the id, and that
 * record's write record (its destination entry) holds the same id with a version sent, which only
 * an outbound write records. A property a CRM user can also set (such as a DMS deal number) is no
 * proof of authorship; this is.
 */
export async function writtenByHub(
  hub: Hub,
  at: { tenantId: string; connectionId: string },
  sink: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const own = new Set<string>();
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
    if (d.id === l.id && d.v !== null) own.add(l.id);
  });
  return own;
}
