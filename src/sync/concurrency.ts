import type { Redis } from 'ioredis';

import { abortableSleep } from '../sdk/retry.ts';

/*
 * A counting semaphore shared by every worker process: leases in a sorted set scored by expiry.
 * KEYS[1]  the lease set
 * ARGV[1]  lease token, ARGV[2] limit, ARGV[3] lease ttl ms
 * Returns  1 when the lease was granted, 0 when `limit` leases are live.
 * Expired leases (a worker killed mid-request) are dropped first, so a crash frees its slot.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return 1
`;

/* Extends a live lease: KEYS[1] the lease set, ARGV[1] token, ARGV[2] ttl ms. */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
`;

type LeaseRedis = Redis & {
  acquireLease(key: string, token: string, limit: number, ttl: number): Promise<number>;
  renewLease(key: string, token: string, ttl: number): Promise<number>;
};

/** A held slot: renewed in the background until released. */
export interface Lease {
  release(): Promise<void>;
}

/**
 * How long a slot outlives its holder's last renewal: a worker killed mid-request frees its slots
 * this long after (renewed every third of it while the request runs).
 */
export const LEASE_TTL_MS = 6_000;
/** Pause between tries while every slot is taken. */
const POLL_MS = 25;

/**
 * Requests in flight to one connection, bounded across all processes (Mailchimp allows 10
 * simultaneous connections per account, for one).
 */
export class SharedSemaphore {
  private readonly redis: LeaseRedis;
  private seq = 0;

  constructor(
    redis: Redis,
    private readonly key: string,
    private readonly limit: number,
    private readonly ttlMs = LEASE_TTL_MS,
  ) {
    if (!('acquireLease' in redis)) {
      redis.defineCommand('acquireLease', { numberOfKeys: 1, lua: ACQUIRE });
      redis.defineCommand('renewLease', { numberOfKeys: 1, lua: RENEW });
    }
    this.redis = redis as LeaseRedis;
  }

  /** Waits for a slot and holds it until released. */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    const token = `${process.pid}:${Date.now()}:${++this.seq}:${Math.random()}`;
    while ((await this.redis.acquireLease(this.key, token, this.limit, this.ttlMs)) !== 1) {
      await abortableSleep(POLL_MS, signal);
    }
    const timer = setInterval(
      () => void this.redis.renewLease(this.key, token, this.ttlMs).catch(() => undefined),
      this.ttlMs / 3,
    );
    timer.unref();
    return {
      release: async () => {
        clearInterval(timer);
        await this.redis.zrem(this.key, token);
      },
    };
  }
}
