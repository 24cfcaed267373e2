import type { Redis } from 'ioredis';

import { conflict, notFound } from '../errors/app-error.ts';
import type { ApiKeyStore } from './api-keys.ts';
import { IndexedStore } from './indexed-store.ts';
import type { Keys } from './keys.ts';
import type { TenantStore } from './tenants.ts';

/** A tenant group: stores reported on together (a dealer group, a region), by member tenant id. */
export interface TenantGroup {
  id: string;
  name: string;
  /** Member tenant ids, sorted. */
  members: string[];
  createdAt: string;
}

/**
 * Tenant groups in Redis: a profile hash and a member set per group, and the index of all
 * groups. A store may be in several groups; membership is read on every group request, so a
 * store removed from a group leaves its reports and its group keys' reach at once.
 */
export class GroupStore extends IndexedStore<TenantGroup> {
  constructor(
    redis: Redis,
    private readonly k: Keys,
    private readonly tenants: TenantStore,
    private readonly apiKeys: ApiKeyStore,
  ) {
    super(redis, 'group');
  }

  protected indexKey(): string {
    return this.k.groups();
  }

  /** Creates a group (with optional first members, which must exist); `conflict` if the id is taken. */
  async create(input: { id: string; name: string; members?: string[] }): Promise<TenantGroup> {
    await this.mustExist(input.members ?? []);
    const createdAt = new Date().toISOString();
    const created = await this.redis.hsetnx(this.k.group(input.id), 'id', input.id);
    if (!created) throw conflict(`group "${input.id}" already exists`);
    const tx = this.redis
      .multi()
      .hset(this.k.group(input.id), { name: input.name, createdAt })
      .sadd(this.k.groups(), input.id);
    if (input.members?.length) tx.sadd(this.k.groupMembers(input.id), ...input.members);
    await tx.exec();
    return this.get(input.id);
  }

  /** The group or null. */
  async find(id: string): Promise<TenantGroup | null> {
    const [h, members] = await Promise.all([
      this.redis.hgetall(this.k.group(id)),
      this.redis.smembers(this.k.groupMembers(id)),
    ]);
    if (!h.id) return null;
    return { id, name: h.name ?? '', members: members.sort(), createdAt: h.createdAt ?? '' };
  }

  /** Adds stores (each must exist) to the group; adding a member again changes nothing. */
  async add(id: string, tenantIds: readonly string[]): Promise<TenantGroup> {
    await this.get(id);
    await this.mustExist(tenantIds);
    if (tenantIds.length) await this.redis.sadd(this.k.groupMembers(id), ...tenantIds);
    return this.get(id);
  }

  /** Removes stores from the group; a store that is not a member is `not_found`, by name. */
  async remove(id: string, tenantIds: readonly string[]): Promise<TenantGroup> {
    const g = await this.get(id);
    const strangers = tenantIds.filter((t) => !g.members.includes(t));
    if (strangers.length) throw notFound(`member ${strangers.join(', ')} of group ${id}`);
    if (tenantIds.length) await this.redis.srem(this.k.groupMembers(id), ...tenantIds);
    return this.get(id);
  }

  /**
   * Deletes the group: its profile, its member set and its index entry go first (so no new key
   * can be made for it: ApiKeyStore joins a key to its group only while the profile exists, in
   * one script), then every live key of the group is revoked, which also ends their dashboard
   * sessions. The member stores and their data are untouched. `not_found` if unknown.
   */
  async delete(id: string): Promise<{ group: TenantGroup; revokedKeys: string[] }> {
    const group = await this.get(id);
    await this.redis
      .multi()
      .del(this.k.group(id), this.k.groupMembers(id))
      .srem(this.k.groups(), id)
      .exec();
    const revoked = await this.apiKeys.revokeAll({ scope: 'group', id });
    return { group, revokedKeys: revoked.map((key) => key.id) };
  }

  /** True when the tenant is a member of the group now. */
  async hasMember(id: string, tenantId: string): Promise<boolean> {
    return (await this.redis.sismember(this.k.groupMembers(id), tenantId)) === 1;
  }

  private async mustExist(tenantIds: readonly string[]): Promise<void> {
    const found = await Promise.all(tenantIds.map((t) => this.tenants.find(t)));
    const missing = tenantIds.filter((_, i) => !found[i]);
    if (missing.length) throw notFound(`tenant ${missing.join(', ')}`);
  }
}
