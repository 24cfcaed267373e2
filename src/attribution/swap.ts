import type { Redis } from 'ioredis';

/*
 * Makes a staged generation the live one (a full recompute's last step), atomically.
 * KEYS[1] the tenant's attribution meta hash; KEYS[2] its feed positions hash; KEYS[3] the live
 * generation's "seen" hash and KEYS[4] the staged one's (both used only when ARGV[8] is '1');
 * KEYS[5..4+ARGV[9]] the staged hashes to make persistent; the rest, the hashes of the
 * generation expected to be replaced (ARGV[10]), its days index first.
 * ARGV[1] GEN_FIELD, ARGV[2] STATE_FIELD, ARGV[3] the new state, ARGV[4] COMPACT_FIELD,
 * ARGV[5] the new generation, ARGV[6] POSITION_FIELD, ARGV[7] the reader's new position,
 * ARGV[8] '1' to move the live "seen" hash into the staged generation, which needs the reader
 * to stand at ARGV[7] still (the reader writes "seen" entries with its position), else '';
 * ARGV[9] the number of staged hashes; ARGV[10] the generation expected to be replaced ('' for
 * none), ARGV[11] the number of dates its days index held when its hashes were listed, ARGV[12]
 * the seconds they live on: they expire only if it is the one replaced and has no other date.
 * Returns {1, the replaced generation or '', 1 when its hashes were set to expire else 0}, or
 * {0, the position found} when the live "seen" hash was to be moved but the reader's position
 * moved since (nothing written).
 */
const SWAP = `
if ARGV[8] == '1' then
  local pos = redis.call('HGET', KEYS[2], ARGV[6]) or ''
  if pos ~= ARGV[7] then return {0, pos} end
  if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], KEYS[4]) end
end
local old = redis.call('HGET', KEYS[1], ARGV[1]) or ''
local last = 4 + tonumber(ARGV[9])
for i = 5, last do redis.call('PERSIST', KEYS[i]) end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3], ARGV[1], ARGV[5], ARGV[4], ARGV[5])
redis.call('HSET', KEYS[2], ARGV[6], ARGV[7])
local retired = 0
if ARGV[10] ~= '' and old == ARGV[10] and #KEYS > last
    and redis.call('HLEN', KEYS[last + 1]) == tonumber(ARGV[11]) then
  for i = last + 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[12]) end
  retired = 1
end
return {1, old, retired}
`;

type SwapRedis = Redis & {
  attrSwap(n: number, ...args: string[]): Promise<[number, string, number?]>;
};

/** What `swapIn` is given. */
export interface SwapIn {
  meta: string;
  positions: string;
  /** The staged hashes to make persistent. */
  staged: readonly string[];
  fields: { gen: string; state: string; compact: string; position: string };
  gen: string;
  state: string;
  position: string;
  /**
   * The live "seen" hash moved (renamed) into the staged generation's `to`, only if the reader's
   * position is still `position` (the entries stand where the reader does: it writes them with
   * its position).
   */
  seen?: { from: string; to: string };
  /**
   * The generation expected to be replaced: its hashes (days index first) are set to expire in
   * the same script when it is the one replaced and its days index still holds `dates` dates.
   */
  retire?: { gen: string; keys: readonly string[]; dates: number; ttlS: number };
}

/** What `swapIn` did: the generation it replaced ('' when none), and whether it retired it. */
export interface Swapped {
  old: string;
  retired: boolean;
}

/**
 * Runs the swap script (see above). Throws when the live "seen" hash could not be moved (the
 * reader moved on while the recompute ran: its lock was lost), leaving the live generation as it
 * was.
 */
export async function swapIn(redis: Redis, s: SwapIn): Promise<Swapped> {
  if (!('attrSwap' in redis)) redis.defineCommand('attrSwap', { lua: SWAP });
  const { fields: f, retire: r } = s;
  const seen = [s.seen?.from ?? s.meta, s.seen?.to ?? s.meta];
  const keys = [s.meta, s.positions, ...seen, ...s.staged, ...(r?.keys ?? [])];
  const argv = [f.gen, f.state, s.state, f.compact, s.gen, f.position, s.position];
  argv.push(s.seen ? '1' : '', String(s.staged.length), r?.gen ?? '', String(r?.dates ?? 0));
  argv.push(String(r?.ttlS ?? 0));
  const [done, value, retired] = await (redis as SwapRedis).attrSwap(keys.length, ...keys, ...argv);
  if (done !== 1)
    throw new Error(
      `the attribution reader moved from ${s.position} to ${value || 'nothing'} during the recompute: run it again`,
    );
  return { old: value, retired: retired === 1 };
}
