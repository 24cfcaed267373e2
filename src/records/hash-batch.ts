import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Collects hash field writes and sends one HSET per key: a page of 1,000 links is one command,
 * not 1,000 (per-command client overhead, not Redis, is what limits throughput here).
 */
export class HashBatch {
  private readonly byKey = new Map<string, (string | number)[]>();

  /** Queues `field = value` in hash `key`. */
  set(key: string, field: string, value: string): this {
    let pairs = this.byKey.get(key);
    if (!pairs) this.byKey.set(key, (pairs = []));
    pairs.push(field, value);
    return this;
  }

  /** Adds the writes to a pipeline or MULTI (nothing when empty). */
  addTo(p: ChainableCommander): ChainableCommander {
    for (const [key, pairs] of this.byKey) p.hset(key, ...pairs);
    return p;
  }

  /** Sends the writes in one round trip. */
  async flush(redis: Redis): Promise<void> {
    if (this.byKey.size === 0) return;
    await this.addTo(redis.pipeline()).exec();
  }
}
