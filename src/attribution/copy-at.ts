import type { Redis } from 'ioredis';

/*
 * Copies hashes of the live generation into the staged one, with what they stand at, atomically
 * (a full recompute's first step: the copies are exactly the state at the reader's position).
 * KEYS[1] the tenant's attribution meta hash; KEYS[2] its feed positions hash; KEYS[3] the live
 * generation's days index; then pairs KEYS[2j+2], KEYS[2j+3] (j = 1, 2, ...): copied from, to.
 * ARGV[1] STATE_FIELD, ARGV[2] POSITION_FIELD, ARGV[3] the seconds a copy lives unless swapped in.
 * Returns {state or nil, position or nil, the days index's dates, per pair 1 when copied (the
 * source existed) else 0}.
 */
const COPY_AT = `
local copied = {}
for i = 4, #KEYS, 2 do
  local done = redis.call('COPY', KEYS[i], KEYS[i + 1])
  if done == 1 then redis.call('EXPIRE', KEYS[i + 1], ARGV[3]) end
  copied[#copied + 1] = done
end
local state = redis.call('HGET', KEYS[1], ARGV[1])
local position = redis.call('HGET', KEYS[2], ARGV[2])
return {state, position, redis.call('HKEYS', KEYS[3]), copied}
`;

type CopyRedis = Redis & {
  attrCopyAt(
    n: number,
    ...args: (string | number)[]
  ): Promise<[string, string, string[], number[]]>;
};

/** What `copyAt` copies, and the fields it reads. */
export interface CopyAt {
  meta: string;
  positions: string;
  days: string;
  pairs: readonly (readonly [from: string, to: string])[];
  fields: { state: string; position: string };
  ttlS: number;
}

/** What stood when the copies were made. */
export interface CopiedAt {
  state: string | null;
  position: string | null;
  dates: string[];
  /** Per pair, whether it was copied (its source existed). */
  copied: boolean[];
}

/**
 * Runs the copy script (see above): one command, where a MULTI took two per hash copied (the
 * bench's 366 base day hashes among them).
 */
export async function copyAt(redis: Redis, c: CopyAt): Promise<CopiedAt> {
  if (!('attrCopyAt' in redis)) redis.defineCommand('attrCopyAt', { lua: COPY_AT });
  const keys = [c.meta, c.positions, c.days, ...c.pairs.flat()];
  const argv = [c.fields.state, c.fields.position, c.ttlS];
  const [state, position, dates, copied] = await (redis as CopyRedis).attrCopyAt(
    keys.length,
    ...keys,
    ...argv,
  );
  return { state, position, dates, copied: copied.map((x) => x === 1) };
}
