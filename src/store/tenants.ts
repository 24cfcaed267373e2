import type { Redis } from 'ioredis';

import { TenantSchema, type Tenant } from '../entities/hub.ts';
import { parseStored } from '../entities/stored.ts';
import { conflict } from '../errors/app-error.ts';
import { bornMigratedFields } from '../migrations/runner.ts';
import { IndexedStore } from './indexed-store.ts';
import type { Keys } from './keys.ts';

export type { Tenant } from '../entities/hub.ts';

/** Tenants: create, read, list. */
export class TenantStore extends IndexedStore<Tenant> {
  constructor(
    redis: Redis,
    private readonly k: Keys,
    /** Migrations a new tenant starts with marked done: its data is born in the current shape. */
    private readonly bornMigrated: readonly string[] = [],
  ) {
    super(redis, 'tenant');
  }

  protected indexKey(): string {
    return this.k.tenants();
  }

  /** Creates a tenant; fails with `conflict` if the id is taken. */
  async create(input: {
    id: string;
    name: string;
    group?: string | null;
    timezone?: string;
  }): Promise<Tenant> {
    const tenant = parseStored(TenantSchema, 'tenant', this.k.tenant(input.id), {
      id: input.id,
      name: input.name,
      group: input.group ?? null,
      timezone: input.timezone ?? 'America/Chicago',
      createdAt: new Date().toISOString(),
    });
    const created = await this.redis.hsetnx(this.k.tenant(tenant.id), 'id', tenant.id);
    if (!created) throw conflict(`tenant "${tenant.id}" already exists`);
    const tx = this.redis.multi();
    if (this.bornMigrated.length)
      tx.hset(this.k.migrations(tenant.id), bornMigratedFields(this.bornMigrated));
    await tx
      .hset(this.k.tenant(tenant.id), {
        name: tenant.name,
        group: tenant.group ?? '',
        timezone: tenant.timezone,
        createdAt: tenant.createdAt,
      })
      .hset(this.k.settings(tenant.id), 'timeZone', JSON.stringify(tenant.timezone))
      .sadd(this.k.tenants(), tenant.id)
      .exec();
    return tenant;
  }

  /**
   * Returns the tenant or null.
   * @throws StoredValueError when the stored hash does not fit `TenantSchema` (naming the field).
   */
  async find(id: string): Promise<Tenant | null> {
    const key = this.k.tenant(id);
    const h = await this.redis.hgetall(key);
    if (!h.id) return null;
    return parseStored(TenantSchema, 'tenant', key, { ...h, group: h.group ? h.group : null });
  }
}
