import type { Redis } from 'ioredis';

/** How long a run's lock lives without renewal (a crashed worker frees it after this). */
export const LOCK_TTL_MS = 60_000;

/*
 * Takes ('get'), extends ('ext') or deletes ('del') a lock for token ARGV[1].
 * KEYS[1] the lock; ARGV[2] the operation; ARGV[3] ttl ms.
 * 'get' succeeds when the lock is free or already the token's (a job restarted after its worker
 * died takes its own lock back). Returns 1 when done, 0 when the lock is someone else's.
 */
const OWNED = `
local holder = redis.call('GET', KEYS[1])
if ARGV[2] == 'get' then
  if holder and holder ~= ARGV[1] then return 0 end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  return 1
end
if holder ~= ARGV[1] then return 0 end
if ARGV[2] == 'del' then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[3])
`;

type LockRedis = Redis & {
  ownedLock(key: string, token: string, op: string, ttl: number): Promise<number>;
};

/** A held lock; renewed in the background until released. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes the lock if free (or already held by `token`). While held, it is renewed every third of
 * its TTL, so a long backfill keeps it and a killed worker loses it after the TTL.
 */
export async function tryLock(
  redis: Redis,
  key: string,
  token: string,
  ttlMs = LOCK_TTL_MS,
): Promise<HeldLock | null> {
  if (!('ownedLock' in redis)) redis.defineCommand('ownedLock', { numberOfKeys: 1, lua: OWNED });
  const r = redis as LockRedis;
  if ((await r.ownedLock(key, token, 'get', ttlMs)) !== 1) return null;
  const timer = setInterval(
    () => void r.ownedLock(key, token, 'ext', ttlMs).catch(() => undefined),
    ttlMs / 3,
  );
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await r.ownedLock(key, token, 'del', 0);
    },
  };
}
