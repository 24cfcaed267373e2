/**
 * The Redis the benches use: `REDIS_URL` when set (a private redis-server, so its CPU, command and
 * byte counters are this bench's alone), else the default one on 127.0.0.1:6379.
 */
import { Redis } from 'ioredis';

/** The URL every bench process connects to. */
export const BENCH_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A new connection to the bench's Redis, as BullMQ needs it. */
export function benchRedis(): Redis {
  return new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
}
