import type { Redis } from 'ioredis';
import { pack } from 'msgpackr';

/** What a hash field must hold for the writes to go ahead. */
export type Expect = { kind: 'any' } | { kind: 'absent' } | { kind: 'equal'; value: string };

/** One field of a compare-and-set: its key (an index into the keys passed), check and write. */
export interface CasItem {
  key: number;
  field: string;
  expect: Expect;
  /** The value to write; null deletes the field; undefined writes nothing (a check only). */
  write?: string | null;
}

/*
 * Compare-and-set over fields of several hashes, atomically: every check must hold, then every
 * write is applied; otherwise nothing is written.
 * KEYS: the hashes (one tenant's, so one Cluster slot).
 * ARGV[1]: MessagePack array, 6 items per field: key index (1-based), field, check (0 any,
 * 1 equal, 2 absent), expected value ('' unless check 1), write (0 none, 1 set, 2 delete), value
 * to set ('' unless write 1).
 * Returns 1 when written, 0 when a check failed (nothing written).
 */
const HASH_CAS = `
local A = cmsgpack.unpack(ARGV[1])
local W = 6
for i = 1, #A, W do
  local check = A[i + 2]
  if check ~= 0 then
    local cur = redis.call('HGET', KEYS[A[i]], A[i + 1])
    if check == 1 and cur ~= A[i + 3] then return 0 end
    if check == 2 and cur then return 0 end
  end
end
for i = 1, #A, W do
  local w = A[i + 4]
  if w == 1 then redis.call('HSET', KEYS[A[i]], A[i + 1], A[i + 5])
  elseif w == 2 then redis.call('HDEL', KEYS[A[i]], A[i + 1]) end
end
return 1
`;

type CasRedis = Redis & { hashCas(n: number, ...args: (string | Buffer)[]): Promise<number> };

/**
 * Applies `items` if every check holds (one Lua script: all or nothing). Returns false when a
 * field held something else (a concurrent writer): re-read and compute again.
 * Attribution's arithmetic is exact on bigint fractions, which Lua cannot do, so the new values
 * are computed by the caller and the script only checks that what they were computed from is
 * still there (optimistic concurrency, as WATCH/MULTI without a dedicated connection).
 */
export async function casHashes(
  redis: Redis,
  keys: readonly string[],
  items: readonly CasItem[],
): Promise<boolean> {
  if (items.length === 0) return true;
  if (!('hashCas' in redis)) redis.defineCommand('hashCas', { lua: HASH_CAS });
  const flat: (string | number)[] = [];
  for (const it of items) {
    const check = it.expect.kind === 'any' ? 0 : it.expect.kind === 'equal' ? 1 : 2;
    const w = it.write === undefined ? 0 : it.write === null ? 2 : 1;
    flat.push(it.key + 1, it.field, check, it.expect.kind === 'equal' ? it.expect.value : '');
    flat.push(w, it.write ?? '');
  }
  return (await (redis as CasRedis).hashCas(keys.length, ...keys, pack(flat))) === 1;
}

/** The check that a field still holds what was read (`null`: it was absent). */
export const expectRead = (value: string | null | undefined): Expect =>
  value === null || value === undefined ? { kind: 'absent' } : { kind: 'equal', value };
