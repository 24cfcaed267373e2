import type { Redis } from 'ioredis';

import { TenantSchema, type Tenant } from '../entities/hub.ts';
import { parseStored } from '../entities/stored.ts';
import { conflict, notFound } from '../errors/app-error.ts';
import { bornMigratedFields } from '../migrations/runner.ts';
import type { Keys } from './keys.ts';

export type { Tenant } from '../entities/hub.ts';

/** Tenants: create, read, list. */
export class TenantStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    /** Migrations a new tenant starts with marked done: its data is born in the current shape. */
    private readonly bornMigrated: readonly string[] = [],
  ) {}

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

  /** Returns the tenant or throws `not_found`. */
  async get(id: string): Promise<Tenant> {
    const t = await this.find(id);
    if (!t) throw notFound('tenant');
    return t;
  }

  /** All tenants, sorted by id. */
  async list(): Promise<Tenant[]> {
    const ids = (await this.redis.smembers(this.k.tenants())).sort();
    const all = await Promise.all(ids.map((id) => this.find(id)));
    return all.filter((t): t is Tenant => t !== null);
  }
}
