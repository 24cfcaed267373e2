import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Role } from '../auth/roles.ts';
import { notFound } from '../errors/app-error.ts';
import type { Keys } from './keys.ts';

/** An API key's record; the secret itself is never stored, only its SHA-256. */
export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  role: Role;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

const TOKEN = /^dlk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * API keys: `dlk_<id>_<secret>`. The id finds the record; the secret is checked against its hash in
 * constant time. Secrets carry 256 random bits, so a plain SHA-256 suffices (no password stretching).
 */
export class ApiKeyStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** Creates a key; the returned `token` is shown once and cannot be recovered. */
  async create(
    tenantId: string,
    role: Role,
    name: string,
  ): Promise<{ token: string; key: ApiKeyRecord }> {
    const id = randomBytes(10).toString('hex').slice(0, 16);
    const secret = randomBytes(32).toString('base64url');
    const key: ApiKeyRecord = {
      id,
      tenantId,
      role,
      name,
      createdAt: new Date().toISOString(),
      revokedAt: null,
    };
    await this.redis
      .multi()
      .hset(this.k.apiKey(id), {
        tenantId,
        role,
        name,
        createdAt: key.createdAt,
        hash: sha256(secret).toString('hex'),
      })
      .sadd(this.k.tenantApiKeys(tenantId), id)
      .exec();
    return { token: `dlk_${id}_${secret}`, key };
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
    const h = await this.redis.hgetall(this.k.apiKey(id));
    if (h.tenantId !== tenantId) throw notFound('API key');
    const revokedAt = h.revokedAt || new Date().toISOString();
    await this.redis.hset(this.k.apiKey(id), 'revokedAt', revokedAt);
    return toRecord(id, { ...h, revokedAt });
  }

  /** The tenant's keys (without secrets), newest first. */
  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const ids = await this.redis.smembers(this.k.tenantApiKeys(tenantId));
    const rows = await Promise.all(
      ids.map(async (id) => [id, await this.redis.hgetall(this.k.apiKey(id))] as const),
    );
    return rows
      .filter(([, h]) => h.tenantId === tenantId)
      .map(([id, h]) => toRecord(id, h))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}

function toRecord(id: string, h: Record<string, string>): ApiKeyRecord {
  return {
    id,
    tenantId: h.tenantId ?? '',
    role: h.role as Role,
    name: h.name ?? '',
    createdAt: h.createdAt ?? '',
    revokedAt: h.revokedAt ? h.revokedAt : null,
  };
}
