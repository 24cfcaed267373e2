import type { Redis } from 'ioredis';

import type { ResolvedCustomer } from '../identity/resolve.ts';
import type { Keys } from '../store/keys.ts';
import { PERSON_ENTITIES } from './counters.ts';

/**
 * Counts a page's duplicates merged into an existing customer by records of the same source:
 * records new to the hub (`news[i]` set; null for a record already linked or without a person)
 * that identity gave to a customer who already had a record of this entity from this connection
 * and stream (an entry in its destinations hash, `destinations`), or who got one from an earlier
 * record of the same page. A record that made a new customer is never a duplicate, nor a record
 * that is not of a person (PERSON_ENTITIES): a customer's second email open or call from one
 * source is one more event of theirs, merged into nothing (CLOSED-LOOP.md "Data quality").
 * Two round trips at most (the customers' record sets, then the destinations), none when the
 * page has no candidate.
 */
export async function sameSourceDuplicates(
  redis: Redis,
  k: Keys,
  tenantId: string,
  page: { entity: string; destinations: string; news: readonly (ResolvedCustomer | null)[] },
): Promise<number> {
  if (!PERSON_ENTITIES.has(page.entity)) return 0;
  const candidates = [
    ...new Set(page.news.flatMap((p) => (p && !p.created ? [p.customerId] : []))),
  ];
  if (candidates.length === 0) return 0;
  const held = await customersHeld(redis, k, tenantId, page, candidates);
  const seen = new Set<string>();
  let dup = 0;
  for (const p of page.news) {
    if (!p) continue;
    if (!p.created && (held.has(p.customerId) || seen.has(p.customerId))) dup++;
    seen.add(p.customerId);
  }
  return dup;
}

/** The candidates that already have a record of the entity from this connection and stream. */
async function customersHeld(
  redis: Redis,
  k: Keys,
  tenantId: string,
  page: { entity: string; destinations: string },
  customers: readonly string[],
): Promise<Set<string>> {
  // A customer record is its own id; other entities are members of the customer's record set.
  let owned: { customerId: string; id: string }[];
  if (page.entity === 'customer') owned = customers.map((c) => ({ customerId: c, id: c }));
  else {
    const pipe = redis.pipeline();
    for (const c of customers) pipe.smembers(k.customerRecords(tenantId, c));
    const sets = (await pipe.exec()) ?? [];
    const prefix = `${page.entity}:`;
    owned = sets.flatMap(([, members], i) =>
      ((members as string[] | null) ?? [])
        .filter((m) => m.startsWith(prefix))
        .map((m) => ({ customerId: customers[i]!, id: m.slice(prefix.length) })),
    );
  }
  const held = new Set<string>();
  if (owned.length === 0) return held;
  const found = await redis.hmget(page.destinations, ...owned.map((o) => o.id));
  owned.forEach((o, i) => {
    if (found[i]) held.add(o.customerId);
  });
  return held;
}
