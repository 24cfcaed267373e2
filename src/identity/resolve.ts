import type { Redis } from 'ioredis';

import { identityKeys, type Contact } from '../canonical/index.ts';
import { newRecordId } from '../records/ids.ts';
import type { Keys } from '../store/keys.ts';

/** A resolved person: the customer id and whether this batch created it. */
export interface ResolvedCustomer {
  customerId: string;
  created: boolean;
  /** Which identity key matched (`email`, `phone`, `namePostal`), null when created. */
  matchedBy: string | null;
}

/** Identity keys in the order they are trusted: email, then phone, then last name + postal code. */
function indexKeys(contact: Contact): { kind: string; key: string }[] {
  const ids = identityKeys(contact);
  const out: { kind: string; key: string }[] = [];
  if (ids.email) out.push({ kind: 'email', key: `email:${ids.email}` });
  if (ids.phone) out.push({ kind: 'phone', key: `phone:${ids.phone}` });
  if (ids.namePostal) out.push({ kind: 'namePostal', key: `np:${ids.namePostal}` });
  return out;
}

/*
 * Claims identity keys: KEYS[i] is set to ARGV[i] unless it is already set.
 * Returns, per key, the id it holds afterwards (ARGV[i] when claimed, the earlier owner otherwise).
 */
const CLAIM_SCRIPT = `
local out = {}
for i = 1, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[i], 'NX') then out[i] = ARGV[i] else out[i] = redis.call('GET', KEYS[i]) end
end
return out
`;

type ClaimRedis = Redis & { claimIdentity(n: number, ...args: string[]): Promise<string[]> };

/** Claims many identity keys in one command. */
async function claimAll(redis: Redis, keys: string[], ids: string[]): Promise<string[]> {
  if (!('claimIdentity' in redis)) redis.defineCommand('claimIdentity', { lua: CLAIM_SCRIPT });
  return (redis as ClaimRedis).claimIdentity(keys.length, ...keys, ...ids);
}

/** A new customer id. */
export const newCustomerId = () => newRecordId('customer');

/**
 * Resolves contacts to customers by their identity keys, creating customers for people not seen
 * before, in a few round trips per batch. Two contacts of the same batch with a shared key get one
 * customer; concurrent batches agree through SET NX on the index (the first claim wins).
 * Contacts without any identity key resolve to null (nothing to match on).
 */
export async function resolveCustomers(
  redis: Redis,
  k: Keys,
  tenantId: string,
  contacts: readonly (Contact | undefined)[],
): Promise<(ResolvedCustomer | null)[]> {
  const perContact = contacts.map((c) => (c ? indexKeys(c) : []));
  const unique = [...new Set(perContact.flat().map((x) => x.key))];
  const found = new Map<string, string>();
  if (unique.length) {
    const vals = await redis.mget(unique.map((u) => k.identity(tenantId, u)));
    unique.forEach((u, i) => vals[i] && found.set(u, vals[i]!));
  }

  const results: (ResolvedCustomer | null)[] = [];
  const claims = new Map<string, string>(); // index key → customer id this batch wants to claim
  for (const keysOf of perContact) {
    if (keysOf.length === 0) {
      results.push(null);
      continue;
    }
    const hit = keysOf.find((x) => found.has(x.key) || claims.has(x.key));
    const customerId = hit ? (found.get(hit.key) ?? claims.get(hit.key)!) : newCustomerId();
    for (const x of keysOf)
      if (!found.has(x.key) && !claims.has(x.key)) claims.set(x.key, customerId);
    results.push({ customerId, created: !hit, matchedBy: hit ? hit.kind : null });
  }
  if (claims.size === 0) return results;

  // Claim the new keys; a key another writer claimed meanwhile redirects the customer to theirs.
  const entries = [...claims];
  const claimed = await claimAll(
    redis,
    entries.map(([key]) => k.identity(tenantId, key)),
    entries.map(([, id]) => id),
  );
  const redirect = new Map<string, string>();
  entries.forEach(([, id], i) => {
    if (claimed[i] !== id) redirect.set(id, claimed[i]!);
  });
  if (redirect.size === 0) return results;
  // Keys this batch did claim for a person that turned out to exist: point them at that customer.
  const repoint = entries.filter(([, id], i) => claimed[i] === id && redirect.has(id));
  if (repoint.length) {
    await redis.mset(
      ...repoint.flatMap(([key, id]) => [k.identity(tenantId, key), redirect.get(id)!]),
    );
  }
  return results.map((r) => {
    const to = r && redirect.get(r.customerId);
    return r && to ? { customerId: to, created: false, matchedBy: 'race' } : r;
  });
}
