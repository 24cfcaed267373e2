import type { Redis } from 'ioredis';

import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import {
  FROM_START,
  PositionLostError,
  readAfter,
  type EntryFlags,
  type ReadRecords,
} from './positions.ts';
import { FeedRegistry, type ReaderKind } from './registry.ts';

/** A batch handed to a reader: the records (newest version), and the position to commit after. */
export interface ReaderBatch {
  /** Every record id the batch names (walked or changed; deleted records included). */
  ids: string[];
  /** The records read of them: every one that exists, or what the reader's `read` returned. */
  records: StoredRecord[];
  next: string;
}

/**
 * A change-feed reader of one entity with its own position (kept in the tenant's feed positions
 * hash): walks every record first, then follows the change log, coalesced to the newest version.
 * Handle a batch, then `commit` it: a reader killed before its commit is handed the batch again
 * (at least once). A position the log was trimmed past resets the reader to walk again.
 */
export class FeedReader {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    private readonly records: RecordStore,
    readonly tenantId: string,
    readonly kind: ReaderKind,
    readonly id: string,
    readonly entity: string,
    /** Follows only the entity's log entries with one of these flags (`EntryFlags`). */
    private readonly flags?: EntryFlags,
  ) {}

  private get field() {
    return `${this.kind}:${this.id}`;
  }

  /** Registers the reader of its entity, so changes of it wake the reader. */
  async register(): Promise<void> {
    await new FeedRegistry(this.redis, this.k).add(this.tenantId, this.entity, this);
  }

  /** The reader's committed position. */
  async position(): Promise<string> {
    return (await this.redis.hget(this.k.feedPositions(this.tenantId), this.field)) ?? FROM_START;
  }

  /**
   * The next batch after the committed position (null: nothing new). `read` reads the batch's
   * records instead of reading every one whole (a reader that needs only some of them).
   */
  async next(count = 500, read?: ReadRecords): Promise<ReaderBatch | null> {
    const at = await this.position();
    let batch;
    try {
      batch = await readAfter(
        this.records,
        this.tenantId,
        this.entity,
        at,
        count,
        read,
        this.flags,
      );
    } catch (err) {
      if (err instanceof PositionLostError) await this.commit(FROM_START);
      throw err;
    }
    if (batch === null) return null;
    if (batch.kind === 'walk') return { ids: batch.ids, records: batch.records, next: batch.next };
    const ids = [...batch.newest.keys()];
    const records = read
      ? await read(ids)
      : (await this.records.getMany(this.tenantId, this.entity, ids)).filter(
          (r): r is StoredRecord => r !== null,
        );
    return { ids, records, next: batch.next };
  }

  /** Saves the position after a handled batch. */
  async commit(next: string): Promise<void> {
    await this.redis.hset(this.k.feedPositions(this.tenantId), this.field, next);
  }
}
