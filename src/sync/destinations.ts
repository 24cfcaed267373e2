/**
 * What the hub knows of a canonical record in one system (connection + stream or sink), stored as
 * one hash field per record (`Keys.destinations`): the hash of the fields that system last got
 * from (or gave to) the hub, and the record's id there. One field instead of two hashes halves
 * the reads and writes of an outbound step. Stored as `<hash>|<id>`, either part empty when
 * unknown (a hash never holds `|`, so the id may).
 */
export interface Destination {
  hash: string | null;
  id: string | null;
}

/** The stored form of a destination entry. */
export function encodeDestination(hash: string | null, id: string | null): string {
  return `${hash ?? ''}|${id ?? ''}`;
}

/** A destination entry from its stored form (null: nothing known). */
export function decodeDestination(stored: string | null): Destination {
  if (!stored) return { hash: null, id: null };
  const bar = stored.indexOf('|');
  return { hash: stored.slice(0, bar) || null, id: stored.slice(bar + 1) || null };
}
