import { randomBytes } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Keys } from './keys.ts';

/**
 * Raised when Redis lost data a run relied on (restarted empty, failed over to a replica that
 * did not have it): the run cannot prove it saw everything, so it fails instead of succeeding.
 */
export class DataLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataLostError';
  }
}

const lostDuringRun = (tenantId: string) =>
  new DataLostError(
    `Redis lost tenant ${tenantId}'s data during this run (its sentinel is gone or changed): ` +
      'what the run read or wrote since cannot be trusted; restore or rebuild the tenant, then run again',
  );

/** A new generation id: when it was made and 6 random bytes. */
const newGeneration = () => `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;

/*
 * Saves one cursor field of a sync hash only while the tenant's sentinel still holds the
 * generation the run started with, and stamps the hash with it, in one step: a cursor saved
 * after Redis lost the tenant's data would claim records were seen that Redis no longer has.
 * KEYS[1] the tenant's sentinel, KEYS[2] the sync hash; ARGV[1] generation, ARGV[2] field,
 * ARGV[3] value. Returns 1 when saved, 0 when the sentinel is gone or changed.
 */
const SAVE_IF_GENERATION = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3], 'gen', ARGV[1])
return 1
`;

type SentinelRedis = Redis & {
  saveIfGeneration(
    sentinel: string,
    hash: string,
    gen: string,
    field: string,
    value: string,
  ): Promise<number>;
};

/** How a sentinel looks now against the generation this process saw. */
export type SentinelCheck = { ok: true } | { ok: false; reason: string };

/**
 * Sentinels: keys written once and never deleted, whose absence proves Redis lost data. One for
 * the hub (`/readyz`), one per tenant in the tenant's own slot (runs check it on every save).
 */
export class Sentinels {
  private hubGeneration: string | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {
    if (!('saveIfGeneration' in redis)) {
      redis.defineCommand('saveIfGeneration', { numberOfKeys: 2, lua: SAVE_IF_GENERATION });
    }
  }

  /** Writes the hub's sentinel if there is none and remembers its generation (at start-up). */
  async openHub(): Promise<void> {
    await this.redis.set(this.k.sentinel(), newGeneration(), 'NX');
    this.hubGeneration = await this.redis.get(this.k.sentinel());
  }

  /** Whether the hub's sentinel is still the one this process started with. */
  async checkHub(): Promise<SentinelCheck> {
    const now = await this.redis.get(this.k.sentinel());
    if (this.hubGeneration === null || now === this.hubGeneration) return { ok: true };
    return {
      ok: false,
      reason: now
        ? 'Redis data was replaced since this process started (the sentinel changed)'
        : 'Redis lost its data since this process started (the sentinel key is gone): restore or rebuild, then restart',
    };
  }

  /**
   * The tenant's generation, writing a new one when there is none. `created` is true when it had
   * to be written: the tenant's data from before (cursors above all) cannot be trusted.
   */
  async tenant(tenantId: string): Promise<{ generation: string; created: boolean }> {
    const key = this.k.tenantSentinel(tenantId);
    const created = (await this.redis.set(key, newGeneration(), 'NX')) === 'OK';
    return { generation: (await this.redis.get(key))!, created };
  }

  /** Throws DataLostError unless the tenant's sentinel still holds `generation`. */
  async checkTenant(tenantId: string, generation: string): Promise<void> {
    if ((await this.redis.get(this.k.tenantSentinel(tenantId))) !== generation) {
      throw lostDuringRun(tenantId);
    }
  }

  /**
   * Saves `field` of a sync hash if the tenant's sentinel still holds `generation`; throws
   * DataLostError otherwise.
   */
  async saveCursor(
    tenantId: string,
    syncKey: string,
    generation: string,
    field: string,
    value: string,
  ): Promise<void> {
    const r = this.redis as SentinelRedis;
    const saved = await r.saveIfGeneration(
      this.k.tenantSentinel(tenantId),
      syncKey,
      generation,
      field,
      value,
    );
    if (saved !== 1) throw lostDuringRun(tenantId);
  }
}
