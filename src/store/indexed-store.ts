import type { Redis } from 'ioredis';

import { notFound } from '../errors/app-error.ts';

/**
 * A store of items by id whose ids a Redis set indexes (tenants, tenant groups): `get` and
 * `list` over the subclass's `find`.
 */
export abstract class IndexedStore<T> {
  constructor(
    protected readonly redis: Redis,
    /** What an item is called in a `not_found` answer. */
    private readonly noun: string,
  ) {}

  /** The set of every item's id. */
  protected abstract indexKey(): string;

  /** The item or null. */
  abstract find(id: string): Promise<T | null>;

  /** The item, or throws `not_found`. */
  async get(id: string): Promise<T> {
    const found = await this.find(id);
    if (!found) throw notFound(this.noun);
    return found;
  }

  /** Every item, sorted by id. */
  async list(): Promise<T[]> {
    const ids = (await this.redis.smembers(this.indexKey())).sort();
    const all = await Promise.all(ids.map((id) => this.find(id)));
    return all.filter((x): x is Awaited<T> => x !== null);
  }
}
