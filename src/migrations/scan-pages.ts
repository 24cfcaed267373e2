import type { Redis } from 'ioredis';

import { scanHash } from '../records/scan-hash.ts';

type Multi = ReturnType<Redis['multi']>;

/** Fields read per HSCAN by the migrations that walk a hash. */
export const FIELDS_PER_SCAN = 500;

/**
 * Calls `each` on every field of the hash `key`, read `FIELDS_PER_SCAN` at a time, with one MULTI
 * per page for the writes it queues (a page with none sends nothing). Returns the sum of the
 * writes' replies: what they added or changed. A migration that stops half-way runs again from
 * the start, so its writes must leave what is already there alone (ZADD, SADD, HSETNX).
 */
export async function eachFieldInPages(
  redis: Redis,
  key: string,
  each: (m: Multi, field: string, value: string) => void,
): Promise<number> {
  let replies = 0;
  for await (const pairs of scanHash(redis, key, FIELDS_PER_SCAN)) {
    const m = redis.multi();
    for (const [field, value] of pairs) each(m, field, value);
    if (m.length === 0) continue;
    for (const [, n] of (await m.exec()) ?? []) replies += Number(n);
  }
  return replies;
}
