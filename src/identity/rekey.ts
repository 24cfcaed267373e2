import { createHash } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Contact } from '../canonical/index.ts';
import { unflatten, type FlatFields } from '../records/flat.ts';
import { scanHash } from '../records/scan-hash.ts';
import type { StoredRecord } from '../records/merge.ts';
import type { Keys } from '../store/keys.ts';

/** Entities whose records carry a person's contact details under `customer.*`. */
export const CONTACT_ENTITIES = ['lead', 'sale', 'touchpoint', 'activity'] as const;
/** Time field of each entity, for resolving a tenant's records in the order they happened. */
const TIME_FIELD: Record<string, string> = {
  customer: 'createdAt',
  lead: 'createdAt',
  sale: 'saleDate',
  touchpoint: 'occurredAt',
  activity: 'occurredAt',
};
const PREFIX = 'customer.';
/** Entries read per HSCAN / SCAN. */
const SCAN_COUNT = 1_000;

/** Every stored record of an entity (HSCAN over its hash: needs no other index). */
export async function allRecords(
  redis: Redis,
  k: Keys,
  tenantId: string,
  entity: string,
  decode: (id: string, body: string) => StoredRecord,
): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for await (const pairs of scanHash(redis, k.records(tenantId, entity), SCAN_COUNT))
    for (const [id, body] of pairs) out.push(decode(id, body));
  return out;
}

/** Deletes a tenant's identity indexes, profiles, merge marks and per-customer record sets. */
export async function clearIdentity(redis: Redis, k: Keys, tenantId: string): Promise<void> {
  await redis.del(
    ...['email', 'phone', 'np', 'prof', 'merged'].map((x) => k.identity(tenantId, x)),
  );
  const pattern = `${k.customerRecords(tenantId, '').replace(/[[\]*?\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    if (found.length) await redis.del(...found);
    cursor = next;
  } while (cursor !== '0');
}

/** The contact details of a record: its own fields for a customer, `customer.*` otherwise. */
export function contactFields(r: StoredRecord): FlatFields {
  if (r.entity === 'customer') return r.f;
  const out: FlatFields = {};
  for (const key in r.f) if (key.startsWith(PREFIX)) out[key.slice(PREFIX.length)] = r.f[key];
  return out;
}

/** The contact of a record, or undefined when it has none. */
export function contactOfRecord(r: StoredRecord): Contact | undefined {
  const flat = contactFields(r);
  for (const _ in flat) return unflatten(flat) as Contact;
  return undefined;
}

/**
 * Orders records for re-resolution: customer records first (they anchor their ids), then every
 * other record as it happened (its time field), ties by entity and id.
 */
export function byTime(a: StoredRecord, b: StoredRecord): number {
  const ca = a.entity === 'customer' ? 0 : 1;
  const cb = b.entity === 'customer' ? 0 : 1;
  if (ca !== cb) return ca - cb;
  const ta = String(a.f[TIME_FIELD[a.entity] ?? ''] ?? '');
  const tb = String(b.f[TIME_FIELD[b.entity] ?? ''] ?? '');
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.entity}:${a.id}`;
  const kb = `${b.entity}:${b.id}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A customer id derived from a record (stable across re-runs of a migration). */
export const derivedCustomerId = (r: StoredRecord): string =>
  `cus_${createHash('sha256').update(`${r.entity}:${r.id}`).digest('hex').slice(0, 20)}`;
