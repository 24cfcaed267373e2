import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Role } from '../auth/roles.ts';
import { ApiKeySchema, type ApiKeyRecord } from '../entities/hub.ts';
import { parseStored } from '../entities/stored.ts';
import { notFound } from '../errors/app-error.ts';
import type { Keys } from './keys.ts';

/**
 * What a key reaches: one store (`tenant`), the reports of one tenant group and of its member
 * stores, read-only (`group`), or the hub's tenant groups themselves (`hub`, operators' keys).
 */
export type KeyScope = 'tenant' | 'group' | 'hub';

/** The owner of a key: a tenant id, a group id, or the hub (id `''`). */
export interface KeyOwner {
  scope: KeyScope;
  id: string;
}

export type { ApiKeyRecord } from '../entities/hub.ts';

const TOKEN = /^dlk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/*
 * Adds a key id to its group's key set while the group exists.
 * KEYS[1] the group's profile hash; KEYS[2] the group's key set; ARGV[1] the key id.
 * Returns 1 when added, 0 when the group does not exist (nothing changed).
 */
const JOIN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
`;

type GroupKeyRedis = Redis & {
  joinGroupKeys(group: string, keySet: string, keyId: string): Promise<number>;
};

/**
 * API keys: `dlk_<id>_<secret>`. The id finds the record; the secret is checked against its hash in
 * constant time. Secrets carry 256 random bits, so a plain SHA-256 suffices (no password stretching).
 */
export class ApiKeyStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** Creates a key of a tenant; the returned `token` is shown once and cannot be recovered. */
  async create(
    tenantId: string,
    role: Role,
    name: string,
  ): Promise<{ token: string; key: ApiKeyRecord }> {
    return this.createFor({ scope: 'tenant', id: tenantId }, role, name);
  }

  /** Creates a key of a tenant, a group or the hub; the `token` is shown once. */
  async createFor(
    owner: KeyOwner,
    role: Role,
    name: string,
  ): Promise<{ token: string; key: ApiKeyRecord }> {
    const id = randomBytes(10).toString('hex').slice(0, 16);
    const secret = randomBytes(32).toString('base64url');
    const fields = {
      scope: owner.scope,
      tenantId: owner.scope === 'tenant' ? owner.id : '',
      groupId: owner.scope === 'group' ? owner.id : '',
      role,
      name,
      createdAt: new Date().toISOString(),
    };
    const record = { ...fields, hash: sha256(secret).toString('hex') };
    if (owner.scope === 'group') await this.attachToGroup(owner.id, id, record);
    else
      await this.redis
        .multi()
        .hset(this.k.apiKey(id), record)
        .sadd(this.ownerSet(owner), id)
        .exec();
    return { token: `dlk_${id}_${secret}`, key: toRecord(id, fields) };
  }

  /**
   * Writes a group key: its record first, then its id joins the group's key set in one script
   * that checks the group still exists (both keys in the group's slot). A group deleted meanwhile
   * is `not_found` and the record goes; a delete that comes after sees the key in the set and
   * revokes it (GroupStore.delete removes the group first, then revokes what the set holds), so
   * no live key of a deleted group is left, however the calls interleave.
   */
  private async attachToGroup(
    groupId: string,
    id: string,
    record: Record<string, string>,
  ): Promise<void> {
    await this.redis.hset(this.k.apiKey(id), record);
    if (!('joinGroupKeys' in this.redis))
      this.redis.defineCommand('joinGroupKeys', { numberOfKeys: 2, lua: JOIN });
    const r = this.redis as GroupKeyRedis;
    if ((await r.joinGroupKeys(this.k.group(groupId), this.k.groupApiKeys(groupId), id)) === 1)
      return;
    await this.redis.del(this.k.apiKey(id));
    throw notFound(`group "${groupId}"`);
  }

  /** Returns the live key a token stands for, or null (malformed, unknown, wrong secret, revoked). */
  async verify(token: string): Promise<ApiKeyRecord | null> {
    const m = TOKEN.exec(token);
    if (!m) return null;
    const [, id, secret] = m as unknown as [string, string, string];
    const h = await this.redis.hgetall(this.k.apiKey(id));
    if (!h.hash) return null;
    const ok = timingSafeEqual(Buffer.from(h.hash, 'hex'), sha256(secret));
    if (!ok || h.revokedAt) return null;
    return toRecord(id, h);
  }

  /** The key with this id while it is live (not revoked), or null: sessions re-check it. */
  async live(id: string): Promise<ApiKeyRecord | null> {
    const h = await this.redis.hgetall(this.k.apiKey(id));
    return h.hash && !h.revokedAt ? toRecord(id, h) : null;
  }

  /** Revokes a key of the tenant; unknown or foreign ids are `not_found`. */
  async revoke(tenantId: string, id: string): Promise<ApiKeyRecord> {
    return this.revokeFor({ scope: 'tenant', id: tenantId }, id);
  }

  /** Revokes a key of `owner`; unknown or foreign ids are `not_found`. */
  async revokeFor(owner: KeyOwner, id: string): Promise<ApiKeyRecord> {
    const h = await this.redis.hgetall(this.k.apiKey(id));
    if (!h.hash || !owns(owner, toRecord(id, h))) throw notFound('API key');
    const revokedAt = h.revokedAt || new Date().toISOString();
    await this.redis.hset(this.k.apiKey(id), 'revokedAt', revokedAt);
    return toRecord(id, { ...h, revokedAt });
  }

  /** Revokes every live key of `owner` in one transaction; returns the keys it revoked. */
  async revokeAll(owner: KeyOwner): Promise<ApiKeyRecord[]> {
    const live = (await this.listOf(owner)).filter((key) => !key.revokedAt);
    if (!live.length) return [];
    const revokedAt = new Date().toISOString();
    const tx = this.redis.multi();
    for (const key of live) tx.hset(this.k.apiKey(key.id), 'revokedAt', revokedAt);
    await tx.exec();
    return live.map((key) => ({ ...key, revokedAt }));
  }

  /** The tenant's keys (without secrets), newest first. */
  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    return this.listOf({ scope: 'tenant', id: tenantId });
  }

  /** The keys of a tenant, a group or the hub (without secrets), newest first. */
  async listOf(owner: KeyOwner): Promise<ApiKeyRecord[]> {
    const ids = await this.redis.smembers(this.ownerSet(owner));
    const rows = await Promise.all(
      ids.map(async (id) => toRecord(id, await this.redis.hgetall(this.k.apiKey(id)))),
    );
    return rows
      .filter((r) => owns(owner, r))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private ownerSet(owner: KeyOwner): string {
    if (owner.scope === 'group') return this.k.groupApiKeys(owner.id);
    return owner.scope === 'hub' ? this.k.hubApiKeys() : this.k.tenantApiKeys(owner.id);
  }
}

/** True when the key belongs to `owner`. */
export function owns(owner: KeyOwner, key: ApiKeyRecord): boolean {
  if (key.scope !== owner.scope) return false;
  if (owner.scope === 'hub') return true;
  return (owner.scope === 'group' ? key.groupId : key.tenantId) === owner.id;
}

/** The key's record from its hash (`ApiKeySchema` leaves the hash out); a bad field is a StoredValueError. */
function toRecord(id: string, h: Record<string, string>): ApiKeyRecord {
  return parseStored(ApiKeySchema, 'API key', `apikey:${id}`, {
    ...h,
    id,
    // Keys made before groups have no scope field: they are tenant keys.
    scope: h.scope || 'tenant',
    groupId: h.groupId ? h.groupId : null,
    revokedAt: h.revokedAt ? h.revokedAt : null,
  });
}
