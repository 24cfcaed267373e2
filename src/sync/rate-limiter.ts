import axios, { type AxiosInstance } from 'axios';
import type { Redis } from 'ioredis';

import { abortableSleep } from '../sdk/retry.ts';

/*
 * Token bucket shared by every worker process, one per connection, in Redis.
 * KEYS[1]  the bucket hash {tokens, ts, until}
 * ARGV[1]  rate (tokens per second), ARGV[2] burst (bucket size), ARGV[3] cost,
 * ARGV[4]  penalty ms: when > 0, only pushes `until` (a vendor's Retry-After) and returns 0
 * Returns  0 when granted, else the ms to wait before asking again.
 * Time comes from the Redis server, so workers on different hosts share one clock.
 */
const BUCKET_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate, burst, cost, penalty = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'until')
local untilMs = tonumber(h[3] or '0')
if penalty > 0 then
  if now + penalty > untilMs then redis.call('HSET', KEYS[1], 'until', now + penalty) end
  redis.call('PEXPIRE', KEYS[1], penalty + 60000)
  return 0
end
if now < untilMs then return untilMs - now end
local tokens = tonumber(h[1] or burst)
local ts = tonumber(h[2] or now)
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens >= cost then tokens = tokens - cost else wait = math.ceil((cost - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
`;

type BucketRedis = Redis & {
  rateBucket(
    key: string,
    rate: number,
    burst: number,
    cost: number,
    penalty: number,
  ): Promise<number>;
};

/** A connection's shared request budget. */
export class SharedRateLimiter {
  private readonly redis: BucketRedis;

  constructor(
    redis: Redis,
    private readonly key: string,
    private readonly rate: number,
    private readonly burst = Math.max(1, Math.ceil(rate)),
  ) {
    if (!('rateBucket' in redis))
      redis.defineCommand('rateBucket', { numberOfKeys: 1, lua: BUCKET_SCRIPT });
    this.redis = redis as BucketRedis;
  }

  /** Waits until `cost` requests may be made. */
  async acquire(cost = 1, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = await this.redis.rateBucket(
        this.key,
        this.rate,
        this.burst,
        Math.min(cost, this.burst),
        0,
      );
      if (wait <= 0) return;
      await abortableSleep(wait, signal);
    }
  }

  /** Holds every worker back for `ms` (a vendor's 429 Retry-After). */
  async pause(ms: number): Promise<void> {
    await this.redis.rateBucket(this.key, this.rate, this.burst, 1, Math.max(1, Math.round(ms)));
  }
}

/**
 * Makes every request of `http` wait for a token of `limiter` right before it is sent: in the
 * adapter, so under the interceptors and, when OAuth 2.0 is installed after this, after the access
 * token was fetched. The vendor then sees requests spaced at the budget's rate; a token taken
 * before the caller builds a large body (2,000 conversions) let the build's time, which varies,
 * bunch requests up at the vendor and draw 429s at a rate under its limit. A call that makes
 * several requests takes a token for each, as the vendor counts them.
 */
export function paceRequests(
  http: AxiosInstance,
  limiter: SharedRateLimiter,
  signal?: AbortSignal,
): AxiosInstance {
  const send = axios.getAdapter(http.defaults.adapter);
  http.defaults.adapter = async (config) => {
    await limiter.acquire(1, signal);
    return send(config);
  };
  return http;
}
