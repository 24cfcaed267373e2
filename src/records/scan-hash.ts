import type { Redis } from 'ioredis';

/**
 * Walks a hash with HSCAN, one page of `[field, value]` pairs at a time, until the cursor comes
 * back to 0. Pages may repeat a field (HSCAN's guarantee), so callers must be idempotent.
 * @example for await (const pairs of scanHash(redis, k.records(t, 'lead'))) ...
 */
export async function* scanHash(
  redis: Redis,
  key: string,
  count = 500,
): AsyncGenerator<[field: string, value: string][]> {
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', count);
    const pairs: [string, string][] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    yield pairs;
    cursor = next;
  } while (cursor !== '0');
}
