import type { Redis } from 'ioredis';

import type { Keys } from '../store/keys.ts';

/** Longest chain of merges followed from a merged customer id to the one it lives on as. */
const MAX_FORWARDS = 16;

/*
 * Adds records to their customers' record sets, following merges, atomically with the merge
 * script (a merge moves a set whole, so a record is either moved by it or added after it).
 * KEYS[1] merged (hash: merged customer id → customer it went into)
 * ARGV[1] key prefix of the record sets, ARGV[2..] pairs: member (`<entity>:<id>`), customer id
 * Returns pairs member, customer id for the members whose customer was merged meanwhile (their
 * record still names the merged customer and needs re-pointing).
 */
const ADD_MEMBERS_SCRIPT = `
local prefix, stale, fwd = ARGV[1], {}, {}
for i = 2, #ARGV, 2 do
  local member, id = ARGV[i], ARGV[i + 1]
  local final = fwd[id]
  if final == nil then
    final = id
    for _ = 1, ${MAX_FORWARDS} do
      local nxt = redis.call('HGET', KEYS[1], final)
      if not nxt then break end
      final = nxt
    end
    fwd[id] = final
  end
  redis.call('SADD', prefix .. final, member)
  if final ~= id then stale[#stale + 1] = member; stale[#stale + 1] = final end
end
return stale
`;

type MembersRedis = Redis & {
  addCustomerMembers(n: number, ...args: string[]): Promise<string[]>;
};

/** A record that belongs to a customer. */
export interface Membership {
  /** `<entity>:<id>` */
  member: string;
  customerId: string;
}

/**
 * Records each record under its customer (the set a merge re-points). Returns the records whose
 * customer was merged since they were resolved, with the customer they belong to now.
 */
export async function addMembers(
  redis: Redis,
  k: Keys,
  tenantId: string,
  items: readonly Membership[],
): Promise<Membership[]> {
  if (items.length === 0) return [];
  if (!('addCustomerMembers' in redis))
    redis.defineCommand('addCustomerMembers', { lua: ADD_MEMBERS_SCRIPT });
  const args = items.flatMap((m) => [m.member, m.customerId]);
  const stale = await (redis as MembersRedis).addCustomerMembers(
    1,
    k.identity(tenantId, 'merged'),
    k.customerRecords(tenantId, ''),
    ...args,
  );
  const out: Membership[] = [];
  for (let i = 0; i < stale.length; i += 2)
    out.push({ member: stale[i]!, customerId: stale[i + 1]! });
  return out;
}

/** The customer a (possibly merged) customer id lives on as now. */
export async function currentCustomerId(
  redis: Redis,
  k: Keys,
  tenantId: string,
  customerId: string,
): Promise<string> {
  let id = customerId;
  for (let i = 0; i < MAX_FORWARDS; i++) {
    const next = await redis.hget(k.identity(tenantId, 'merged'), id);
    if (!next) return id;
    id = next;
  }
  return id;
}
