import { Redis, type RedisOptions } from 'ioredis';

/** Raised when Redis cannot be reached at start-up. */
export class RedisUnavailableError extends Error {
  constructor(url: string, cause: string) {
    super(
      `Cannot reach Redis at ${redactUrl(url)} (${cause}). ` +
        'Start one with `redis-server --daemonize yes --save "" --appendonly no` ' +
        'or point REDIS_URL at a running server.',
    );
    this.name = 'RedisUnavailableError';
  }
}

/** Hides a password in a redis:// URL so the URL can be printed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}

/**
 * Opens a Redis connection and checks it answers. `forQueue` sets the options BullMQ workers need
 * (no per-request retry limit, so blocking commands survive reconnects).
 */
export async function connectRedis(
  url: string,
  opts: { forQueue?: boolean; connectTimeoutMs?: number } = {},
): Promise<Redis> {
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: opts.connectTimeoutMs ?? 5_000,
    maxRetriesPerRequest: opts.forQueue ? null : 3,
    enableReadyCheck: true,
  };
  const redis = new Redis(url, options);
  // ioredis emits 'error' on every failed reconnect; callers learn of failures through commands.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new RedisUnavailableError(url, (err as Error).message || String(err));
  }
  return redis;
}
