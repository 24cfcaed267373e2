import type { Redis } from 'ioredis';

import type { Keys } from '../store/keys.ts';

/** Kinds of change-feed readers: outbound syncs, and the closed loop's timeline updater. */
export type ReaderKind = 'outbound' | 'timeline' | (string & {});

/** One reader of the feed. */
export interface ReaderRef {
  kind: ReaderKind;
  id: string;
}

/**
 * Which readers read which entity, so a change wakes only the readers of its entity (one SMEMBERS,
 * instead of listing every sync and compiling its mapping).
 */
export class FeedRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** Registers a reader of `entity` (idempotent). */
  async add(tenantId: string, entity: string, reader: ReaderRef): Promise<void> {
    await this.redis.sadd(this.k.feedReaders(tenantId, entity), `${reader.kind}:${reader.id}`);
  }

  /** Unregisters a reader from every entity in `entities`. */
  async remove(tenantId: string, entities: readonly string[], reader: ReaderRef): Promise<void> {
    const m = this.redis.multi();
    for (const e of entities)
      m.srem(this.k.feedReaders(tenantId, e), `${reader.kind}:${reader.id}`);
    await m.exec();
  }

  /** The entities among `entities` that `reader` is registered for (one pipeline of SISMEMBER). */
  async entitiesOf(
    tenantId: string,
    entities: readonly string[],
    reader: ReaderRef,
  ): Promise<string[]> {
    const p = this.redis.pipeline();
    for (const e of entities)
      p.sismember(this.k.feedReaders(tenantId, e), `${reader.kind}:${reader.id}`);
    const answers = (await p.exec()) ?? [];
    return entities.filter((_, i) => answers[i]?.[1] === 1);
  }

  /** The readers of `entity`, optionally of one kind. */
  async readersOf(tenantId: string, entity: string, kind?: ReaderKind): Promise<ReaderRef[]> {
    const members = await this.redis.smembers(this.k.feedReaders(tenantId, entity));
    const out: ReaderRef[] = [];
    for (const m of members) {
      const colon = m.indexOf(':');
      const ref = { kind: m.slice(0, colon), id: m.slice(colon + 1) };
      if (!kind || ref.kind === kind) out.push(ref);
    }
    return out;
  }
}
