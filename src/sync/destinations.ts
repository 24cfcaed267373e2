/**
 * What the hub knows of a canonical record in one system (connection + stream or sink), stored as
 * one hash field per record (`Keys.destinations`): the hash of the fields that system last got
 * from (or gave to) the hub, the canonical version it got, and the record's id there. One field
 * instead of several hashes halves the reads and writes of an outbound step. Stored as
 * `<hash>|<version>|<id>`, each part empty when unknown (hash and version never hold `|`, so the
 * id may).
 */
export interface Destination {
  hash: string | null;
  /**
   * Canonical version the system was sent (only outbound writes know it): a logged change of that
   * version or older needs no reading, mapping or hashing.
   */
  v: number | null;
  id: string | null;
}

/** The stored form of a destination entry. */
export function encodeDestination(d: Destination): string {
  return `${d.hash ?? ''}|${d.v ?? ''}|${d.id ?? ''}`;
}

/** A destination entry from its stored form (null: nothing known). */
export function decodeDestination(stored: string | null | undefined): Destination {
  if (!stored) return { hash: null, v: null, id: null };
  const a = stored.indexOf('|');
  const b = stored.indexOf('|', a + 1);
  const v = stored.slice(a + 1, b);
  return {
    hash: stored.slice(0, a) || null,
    v: v ? Number(v) : null,
    id: stored.slice(b + 1) || null,
  };
}
