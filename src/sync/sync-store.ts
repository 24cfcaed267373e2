import { randomBytes } from 'node:crypto';

import type { Redis } from 'ioredis';

import { SyncSchema } from '../entities/sync.ts';
import { parseStored, parseStoredJson, unlessGone } from '../entities/stored.ts';
import { notFound } from '../errors/app-error.ts';
import type { Keys } from '../store/keys.ts';
import { Sentinels } from '../store/sentinel.ts';
import { SyncInputSchema, type Sync, type SyncInput } from './types.ts';

/**
 * Outbound cursor of a sync that has sent nothing yet, or was backfilled: its next run first walks
 * every record of the entity, then follows the change log (see `prepareStep`).
 */
export const FROM_SCRATCH = '0';

/**
 * Cursors of a sync: the inbound stream's own cursor, and for outbound FROM_SCRATCH, a record walk
 * in progress (`walk:...`) or a change log position; `generation` is the tenant sentinel's
 * generation they were last saved under (null before the first save).
 */
export interface SyncCursors {
  inbound: string | null;
  outbound: string;
  generation: string | null;
}

/** Sync definitions, their state (paused) and their cursors. */
export class SyncStore {
  private readonly sentinels: Sentinels;

  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {
    this.sentinels = new Sentinels(redis, k);
  }

  /** Creates a sync (the connection is checked by the caller). */
  async create(tenantId: string, input: SyncInput): Promise<Sync> {
    const parsed = SyncInputSchema.parse(input);
    const now = new Date().toISOString();
    const id = `s_${randomBytes(8).toString('hex')}`;
    const sync = parseStored(SyncSchema, 'sync', this.k.sync(tenantId, id), {
      ...parsed,
      id,
      tenantId,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    await this.redis
      .multi()
      .hset(this.k.sync(tenantId, sync.id), {
        def: JSON.stringify(sync),
        inCursor: '',
        outCursor: FROM_SCRATCH,
      })
      .sadd(this.k.syncs(tenantId), sync.id)
      .exec();
    return sync;
  }

  /**
   * The sync, or `not_found`.
   * @throws StoredValueError when the stored definition does not fit `SyncSchema` (naming the field).
   */
  async get(tenantId: string, id: string): Promise<Sync> {
    const key = this.k.sync(tenantId, id);
    const def = await this.redis.hget(key, 'def');
    if (!def) throw notFound('sync');
    return parseStoredJson(SyncSchema, 'sync', `${key} def`, def);
  }

  /** All syncs of the tenant, by name (a bad stored one fails the list: see `unlessGone`). */
  async list(tenantId: string): Promise<Sync[]> {
    const ids = await this.redis.smembers(this.k.syncs(tenantId));
    const all = await Promise.all(ids.map((id) => unlessGone(this.get(tenantId, id))));
    return all.filter((s): s is Sync => s !== null).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Changes a sync's definition or status. */
  async update(
    tenantId: string,
    id: string,
    patch: Partial<Omit<Sync, 'id' | 'tenantId' | 'createdAt'>>,
  ): Promise<Sync> {
    const cur = await this.get(tenantId, id);
    const key = this.k.sync(tenantId, id);
    const next = parseStored(SyncSchema, 'sync', `${key} def`, {
      ...cur,
      ...patch,
      id,
      tenantId,
      updatedAt: new Date().toISOString(),
    });
    await this.redis.hset(key, 'def', JSON.stringify(next));
    return next;
  }

  /** Deletes a sync and its state: definition, cursors, runs and their reports, lock, pending flag. */
  async remove(tenantId: string, id: string): Promise<void> {
    // Existence only: a sync whose stored definition is bad can still be deleted.
    if (!(await this.redis.hexists(this.k.sync(tenantId, id), 'def'))) throw notFound('sync');
    const runs = await this.redis.lrange(this.k.runs(tenantId, id), 0, -1);
    await this.redis
      .multi()
      .del(
        this.k.sync(tenantId, id),
        this.k.runs(tenantId, id),
        this.k.syncPending(tenantId, id),
        this.k.syncLock(tenantId, id),
        ...runs.map((r) => this.k.run(tenantId, r)),
      )
      .srem(this.k.syncs(tenantId), id)
      .exec();
  }

  /** Both cursors. */
  async cursors(tenantId: string, id: string): Promise<SyncCursors> {
    const [inbound, outbound, generation] = await this.redis.hmget(
      this.k.sync(tenantId, id),
      'inCursor',
      'outCursor',
      'gen',
    );
    return {
      inbound: inbound ? inbound : null,
      outbound: outbound || FROM_SCRATCH,
      generation: generation || null,
    };
  }

  /**
   * Saves the inbound cursor (after the page it follows is committed). With `generation`, only
   * while the tenant's sentinel still holds it (else DataLostError).
   */
  async saveInboundCursor(
    tenantId: string,
    id: string,
    cursor: string | null,
    generation?: string,
  ): Promise<void> {
    await this.save(tenantId, id, 'inCursor', cursor ?? '', generation);
  }

  /**
   * Saves the outbound cursor (after the destination acknowledged everything before it). With
   * `generation`, only while the tenant's sentinel still holds it (else DataLostError).
   */
  async saveOutboundCursor(
    tenantId: string,
    id: string,
    position: string,
    generation?: string,
  ): Promise<void> {
    await this.save(tenantId, id, 'outCursor', position, generation);
  }

  private async save(
    tenantId: string,
    id: string,
    field: string,
    value: string,
    generation: string | undefined,
  ): Promise<void> {
    const key = this.k.sync(tenantId, id);
    if (generation === undefined) await this.redis.hset(key, field, value);
    else await this.sentinels.saveCursor(tenantId, key, generation, field, value);
  }

  /** Backfill: forget the cursors so the next run starts from the beginning. */
  async resetCursors(tenantId: string, id: string): Promise<void> {
    await this.get(tenantId, id);
    await this.redis.hset(this.k.sync(tenantId, id), { inCursor: '', outCursor: FROM_SCRATCH });
  }
}
