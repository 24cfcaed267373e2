import { randomBytes } from 'node:crypto';

import type { Redis } from 'ioredis';

import { ConnectionSchema, type Connection, type ConnectionStatus } from '../entities/hub.ts';
import { parseStored, unlessGone } from '../entities/stored.ts';
import { notFound } from '../errors/app-error.ts';
import type { TokenCache } from '../sdk/oauth2.ts';
import type { Vault } from './crypto.ts';
import type { Keys } from './keys.ts';

export type { Connection, ConnectionStatus } from '../entities/hub.ts';

export interface ConnectionInput {
  connectorId: string;
  name: string;
  settings?: Record<string, unknown>;
  credentials?: Record<string, string>;
}

/*
 * Replaces a connection's settings and sealed credentials only if neither changed since they
 * were read (compare-and-set). KEYS[1] the connection hash; ARGV[1] settings read, ARGV[2]
 * credentials read, ARGV[3] new settings, ARGV[4] new credentials, ARGV[5] new credentialFields,
 * ARGV[6] updatedAt. Returns 1 when replaced, 0 when the connection changed meanwhile.
 */
const SWAP_SEALED = `
if redis.call('HGET', KEYS[1], 'settings') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'credentials') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'settings', ARGV[3], 'credentials', ARGV[4], 'credentialFields', ARGV[5], 'updatedAt', ARGV[6])
return 1`;

/**
 * Connections of a tenant. Credentials are sealed with the vault, bound to tenant and connection id,
 * so no plaintext secret is ever written to Redis.
 */
export class ConnectionStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    private readonly vault: Vault,
  ) {}

  private aad(tenantId: string, id: string) {
    return `connection:${tenantId}:${id}`;
  }

  /** Creates a connection and returns it (without credentials). */
  async create(tenantId: string, input: ConnectionInput): Promise<Connection> {
    const id = `c_${randomBytes(8).toString('hex')}`;
    const now = new Date().toISOString();
    const credentials = input.credentials ?? {};
    await this.redis
      .multi()
      .hset(this.k.connection(tenantId, id), {
        id,
        connectorId: input.connectorId,
        name: input.name,
        settings: JSON.stringify(input.settings ?? {}),
        credentials: this.vault.seal(JSON.stringify(credentials), this.aad(tenantId, id)),
        credentialFields: JSON.stringify(Object.keys(credentials).sort()),
        status: 'active',
        statusReason: '',
        createdAt: now,
        updatedAt: now,
      })
      .sadd(this.k.connections(tenantId), id)
      .exec();
    return this.get(tenantId, id);
  }

  /**
   * Returns the connection (without credentials) or throws `not_found` (also for another
   * tenant's id).
   * @throws StoredValueError when the stored hash does not fit `ConnectionSchema` (naming the field).
   */
  async get(tenantId: string, id: string): Promise<Connection> {
    const key = this.k.connection(tenantId, id);
    const h = await this.redis.hgetall(key);
    if (!h.id) throw notFound('connection');
    const json = (field: 'settings' | 'credentialFields', empty: string) => {
      try {
        return JSON.parse(h[field] ?? empty) as unknown;
      } catch {
        return h[field]; // not JSON: the schema names the field
      }
    };
    return parseStored(ConnectionSchema, 'connection', key, {
      ...h,
      tenantId,
      settings: json('settings', '{}'),
      credentialFields: json('credentialFields', '[]'),
      statusReason: h.statusReason ? h.statusReason : null,
    });
  }

  /**
   * All connections of the tenant, by name. One deleted meanwhile is left out; one whose stored
   * value is bad fails the list (see `unlessGone`), it is not hidden.
   */
  async list(tenantId: string): Promise<Connection[]> {
    const ids = await this.redis.smembers(this.k.connections(tenantId));
    const all = await Promise.all(ids.map((id) => unlessGone(this.get(tenantId, id))));
    return all
      .filter((c): c is Connection => c !== null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Changes name, settings or credentials. New credentials replace the old ones whole and
   * return a broken connection to `active`.
   */
  async update(
    tenantId: string,
    id: string,
    patch: Partial<Omit<ConnectionInput, 'connectorId'>>,
  ): Promise<Connection> {
    await this.get(tenantId, id);
    const fields: Record<string, string> = { updatedAt: new Date().toISOString() };
    if (patch.name !== undefined) fields.name = patch.name;
    if (patch.settings !== undefined) fields.settings = JSON.stringify(patch.settings);
    if (patch.credentials !== undefined) {
      fields.credentials = this.vault.seal(
        JSON.stringify(patch.credentials),
        this.aad(tenantId, id),
      );
      fields.credentialFields = JSON.stringify(Object.keys(patch.credentials).sort());
      fields.status = 'active';
      fields.statusReason = '';
    }
    const tx = this.redis.multi().hset(this.k.connection(tenantId, id), fields);
    // An access token got with the old credentials goes with them.
    if (patch.credentials !== undefined) tx.del(this.k.oauthToken(tenantId, id));
    await tx.exec();
    return this.get(tenantId, id);
  }

  /** Marks the connection's health (e.g. `broken` with the reason after a 401 from the vendor). */
  async setStatus(
    tenantId: string,
    id: string,
    status: ConnectionStatus,
    reason: string | null,
  ): Promise<void> {
    await this.mustExist(tenantId, id);
    await this.redis.hset(this.k.connection(tenantId, id), {
      status,
      statusReason: reason ?? '',
      updatedAt: new Date().toISOString(),
    });
  }

  /** `not_found` unless the connection exists; its stored value is not read, so a bad one can be fixed or deleted. */
  private async mustExist(tenantId: string, id: string): Promise<void> {
    if (!(await this.redis.hexists(this.k.connection(tenantId, id), 'id')))
      throw notFound('connection');
  }

  /**
   * Moves settings that turned out to be secrets into the sealed credentials and drops them from
   * the settings, in one compare-and-set (retried when the connection changed meanwhile). A
   * credential already set keeps its value (the setting is only dropped). Status, OAuth token
   * and everything else stay as they are. Returns the fields taken out of the settings: none
   * when there is nothing left to move, so running it again changes nothing.
   */
  async sealSettings(tenantId: string, id: string, fields: readonly string[]): Promise<string[]> {
    const key = this.k.connection(tenantId, id);
    for (;;) {
      const [settingsText, sealed] = await this.redis.hmget(key, 'settings', 'credentials');
      if (settingsText == null || sealed == null) throw notFound('connection');
      const settings = JSON.parse(settingsText) as Record<string, unknown>;
      const moved = fields.filter((f) => typeof settings[f] === 'string');
      if (moved.length === 0) return [];
      const credentials = JSON.parse(this.vault.open(sealed, this.aad(tenantId, id))) as Record<
        string,
        string
      >;
      for (const f of moved) {
        credentials[f] ??= settings[f] as string;
        delete settings[f];
      }
      const swapped = await this.redis.eval(
        SWAP_SEALED,
        1,
        key,
        settingsText,
        sealed,
        JSON.stringify(settings),
        this.vault.seal(JSON.stringify(credentials), this.aad(tenantId, id)),
        JSON.stringify(Object.keys(credentials).sort()),
        new Date().toISOString(),
      );
      if (swapped === 1) return moved;
    }
  }

  /** Decrypts the credentials, for connector code only; never send these to a client or a log. */
  async credentials(tenantId: string, id: string): Promise<Record<string, string>> {
    const sealed = await this.redis.hget(this.k.connection(tenantId, id), 'credentials');
    if (!sealed) throw notFound('connection');
    return JSON.parse(this.vault.open(sealed, this.aad(tenantId, id))) as Record<string, string>;
  }

  /**
   * Deletes the connection and its OAuth token, and with them `data`, the keys of what belongs to
   * it alone (links and such: `deleteConnection` in src/sync/deletion.ts names them).
   */
  async remove(tenantId: string, id: string, data: readonly string[] = []): Promise<void> {
    await this.mustExist(tenantId, id);
    await this.redis
      .multi()
      .del(this.k.connection(tenantId, id), this.k.oauthToken(tenantId, id), ...data)
      .srem(this.k.connections(tenantId), id)
      .exec();
  }

  /**
   * The connection's OAuth access token cache: one Redis string, sealed with the vault (bound to
   * tenant and connection), expiring with the token. A value that does not open is a miss.
   */
  tokenCache(tenantId: string, id: string): TokenCache {
    const key = this.k.oauthToken(tenantId, id);
    const aad = `oauth-token:${tenantId}:${id}`;
    const get = async () => {
      const sealed = await this.redis.get(key);
      if (!sealed) return null;
      try {
        return this.vault.open(sealed, aad);
      } catch {
        return null;
      }
    };
    return {
      get,
      set: async (token, ttlMs) => {
        await this.redis.set(
          key,
          this.vault.seal(token, aad),
          'PX',
          Math.max(1, Math.floor(ttlMs)),
        );
      },
      drop: async (token) => {
        if ((await get()) === token) await this.redis.del(key);
      },
    };
  }
}
