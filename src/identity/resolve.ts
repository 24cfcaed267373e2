import type { Redis } from 'ioredis';
import { pack } from 'msgpackr';

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

/** Kinds of identity key in the order they are trusted: email, then phone, then last name + postal code. */
const KINDS = ['email', 'phone', 'namePostal'] as const;
/** Index (hash) name of each kind. */
const INDEX = { email: 'email', phone: 'phone', namePostal: 'np' } as const;

/*
 * Resolves a batch of contacts atomically.
 * KEYS[1..3]  identity index hashes (normalized key → customer id): email, phone, name + postal
 * ARGV[1]     the contacts as one MessagePack array, 4 items per contact: proposed customer id,
 *             email key, phone key, name+postal key ('' = the contact has no such key); one packed
 *             argument costs the client and Redis less than four protocol arguments per contact
 * Per contact, the first key (in trust order) the index or an earlier contact of the batch holds
 * gives the customer; otherwise the proposed id is used. Keys the index lacks are then set to the
 * contact's customer. Returns per contact: customer id, and the index (1..3) that matched or 0.
 */
const RESOLVE_SCRIPT = `
local A = cmsgpack.unpack(ARGV[1])
local n = #A / 4
local found = {}
for k = 1, 3 do
  local map, list = {}, {}
  for i = 1, n do
    local v = A[(i - 1) * 4 + 1 + k]
    if v ~= '' and map[v] == nil then map[v] = false; list[#list + 1] = v end
  end
  for s = 1, #list, 500 do
    local e = math.min(#list, s + 499)
    local vals = redis.call('HMGET', KEYS[k], unpack(list, s, e))
    for j = s, e do if vals[j - s + 1] then map[list[j]] = vals[j - s + 1] end end
  end
  found[k] = map
end
local out, new = {}, {{}, {}, {}}
for i = 1, n do
  local base = (i - 1) * 4
  local id, how = nil, 0
  for k = 1, 3 do
    local v = A[base + 1 + k]
    if v ~= '' and found[k][v] then id = found[k][v]; how = k; break end
  end
  if not id then id = A[base + 1] end
  for k = 1, 3 do
    local v = A[base + 1 + k]
    if v ~= '' and not found[k][v] then
      found[k][v] = id
      new[k][#new[k] + 1] = v
      new[k][#new[k] + 1] = id
    end
  end
  out[#out + 1] = id
  out[#out + 1] = how
end
for k = 1, 3 do
  for s = 1, #new[k], 1000 do
    redis.call('HSET', KEYS[k], unpack(new[k], s, math.min(#new[k], s + 999)))
  end
end
return out
`;

type ResolveRedis = Redis & {
  resolveIdentity(n: number, ...args: (string | Buffer)[]): Promise<(string | number)[]>;
};

/** A new customer id. */
export const newCustomerId = () => newRecordId('customer');

/**
 * Resolves contacts to customers by their identity keys, creating customers for people not seen
 * before, in one atomic command per batch: two contacts of the batch with a shared key get one
 * customer, and concurrent batches cannot split a person (the script runs alone).
 * Contacts without any identity key resolve to null (nothing to match on).
 */
export async function resolveCustomers(
  redis: Redis,
  k: Keys,
  tenantId: string,
  contacts: readonly (Contact | undefined)[],
): Promise<(ResolvedCustomer | null)[]> {
  const args: string[] = [];
  const sent: number[] = []; // index of each contact sent, in order
  contacts.forEach((c, i) => {
    if (!c) return;
    const ids = identityKeys(c);
    if (!ids.email && !ids.phone && !ids.namePostal) return;
    args.push(newCustomerId(), ids.email ?? '', ids.phone ?? '', ids.namePostal ?? '');
    sent.push(i);
  });
  const results: (ResolvedCustomer | null)[] = contacts.map(() => null);
  if (sent.length === 0) return results;
  if (!('resolveIdentity' in redis))
    redis.defineCommand('resolveIdentity', { lua: RESOLVE_SCRIPT });
  const out = await (redis as ResolveRedis).resolveIdentity(
    3,
    ...KINDS.map((kind) => k.identity(tenantId, INDEX[kind])),
    pack(args),
  );
  sent.forEach((ci, j) => {
    const how = Number(out[j * 2 + 1]);
    results[ci] = {
      customerId: String(out[j * 2]),
      created: how === 0,
      matchedBy: how === 0 ? null : KINDS[how - 1]!,
    };
  });
  return results;
}
