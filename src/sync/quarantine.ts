import { randomBytes } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Archive, ArchiveKind } from '../archive/archive.ts';
import { DeadLetterSchema, QuarantineEntrySchema, type QuarantineEntry } from '../entities/sync.ts';
import { parseStored, parseStoredJson } from '../entities/stored.ts';
import { notFound } from '../errors/app-error.ts';
import { HashBatch } from '../records/hash-batch.ts';
import type { Keys } from '../store/keys.ts';
import { toPage, type Page, type PageRequest } from '../ops/pagination.ts';

export type { DeadLetter, FieldProblem, QuarantineEntry } from '../entities/sync.ts';

/** Which entry store: the quarantine or the dead letters. */
export type EntryKind = 'quarantine' | 'deadLetters';

/** Each entry store's schema, the name errors give its entries, and the archive kind it keeps. */
export const ENTRY_KINDS = {
  quarantine: { schema: QuarantineEntrySchema, name: 'quarantine entry', archive: 'quarantine' },
  deadLetters: { schema: DeadLetterSchema, name: 'dead letter', archive: 'deadletter' },
} as const satisfies Record<
  EntryKind,
  { schema: typeof QuarantineEntrySchema; name: string; archive: ArchiveKind }
>;

/**
 * What the archive holds of an entry that left the store (replayed or discarded): a rebuild
 * does not bring it back.
 */
export interface EntryRemoved {
  id: string;
  tenantId: string;
  connectionId: string;
  stream: string;
  removedAt: string;
}

/**
 * Quarantine (invalid records) and dead letters (items that kept failing): one hash each per
 * tenant. Given an archive, every change of an entry is archived too (kind `quarantine` or
 * `deadletter`, by connection and stream): the entry when added and after each failed replay, an
 * `EntryRemoved` when it leaves. So entries outlive Redis and a discard, and a rebuild restores
 * the open ones.
 */
export class EntryStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    readonly which: EntryKind,
    private readonly archive?: Archive,
  ) {}

  private key(tenantId: string) {
    return this.k[this.which](tenantId);
  }

  private orderKey(tenantId: string) {
    return this.k.entryOrder(tenantId, this.which);
  }

  /** An entry's stored text, checked against its schema first (a bad field: StoredValueError). */
  private encode(e: QuarantineEntry): string {
    const where = `${this.key(e.tenantId)} ${e.id}`;
    return JSON.stringify(
      parseStored(ENTRY_KINDS[this.which].schema, ENTRY_KINDS[this.which].name, where, e),
    );
  }

  /** An entry from its stored text (a bad field is a StoredValueError naming it). */
  private decode(tenantId: string, id: string, text: string): QuarantineEntry {
    const where = `${this.key(tenantId)} ${id}`;
    const { schema, name } = ENTRY_KINDS[this.which];
    return parseStoredJson(schema, name, where, text);
  }

  /** Adds entries; returns them with their ids. */
  async add(entries: Omit<QuarantineEntry, 'id' | 'at' | 'replays'>[]): Promise<QuarantineEntry[]> {
    if (entries.length === 0) return [];
    const at = new Date().toISOString();
    const full = entries.map((e) => ({
      ...e,
      id: `q_${randomBytes(8).toString('hex')}`,
      at,
      replays: 0,
    }));
    const batch = new HashBatch();
    for (const e of full) batch.set(this.key(e.tenantId), e.id, this.encode(e));
    const order = this.redis.multi();
    for (const e of full) order.zadd(this.orderKey(e.tenantId), 0, orderMember(e));
    await Promise.all([batch.flush(this.redis), order.exec(), this.archiveEntries(full)]);
    return full;
  }

  /** Archives entries (or their removals), one object per tenant, connection and stream. */
  private async archiveEntries(entries: (QuarantineEntry | EntryRemoved)[]): Promise<void> {
    const archive = this.archive;
    if (!archive) return;
    const kind = ENTRY_KINDS[this.which].archive;
    const groups = new Map<string, (QuarantineEntry | EntryRemoved)[]>();
    for (const e of entries) {
      const g = `${e.tenantId}/${e.connectionId}/${e.stream}`;
      groups.set(g, [...(groups.get(g) ?? []), e]);
    }
    await Promise.all(
      [...groups.values()].map((g) => {
        const { tenantId, connectionId, stream } = g[0]!;
        return archive.append({ tenantId, connectionId, stream, kind }, g);
      }),
    );
  }

  /** Entries of a tenant, optionally of one sync, oldest first. */
  async list(tenantId: string, syncId?: string): Promise<QuarantineEntry[]> {
    const all = Object.entries(await this.redis.hgetall(this.key(tenantId))).map(([id, t]) =>
      this.decode(tenantId, id, t),
    );
    return all
      .filter((e) => !syncId || e.syncId === syncId)
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * One page of a tenant's entries (of one sync, when given), oldest first; the position is the
   * entry's order key (`<at>|<id>`), so a page never repeats or skips an entry that stays.
   */
  async page(tenantId: string, req: PageRequest, syncId?: string): Promise<Page<QuarantineEntry>> {
    const items: QuarantineEntry[] = [];
    let from = req.after;
    for (;;) {
      const members = await this.redis.zrangebylex(
        this.orderKey(tenantId),
        from === null ? '-' : `(${from}`,
        '+',
        'LIMIT',
        0,
        req.limit + 1,
      );
      if (members.length === 0) return toPage(items, null);
      const ids = members.map(entryIdOf);
      const texts = await this.redis.hmget(this.key(tenantId), ...ids);
      for (const [i, text] of texts.entries()) {
        const e = text ? this.decode(tenantId, ids[i]!, text) : null;
        if (!e || (syncId && e.syncId !== syncId)) continue;
        if (items.length === req.limit) return toPage(items, orderMember(items[items.length - 1]!));
        items.push(e);
      }
      from = members[members.length - 1]!;
      if (members.length <= req.limit) return toPage(items, null);
    }
  }

  /** One entry, or `not_found`. */
  async get(tenantId: string, id: string): Promise<QuarantineEntry> {
    const text = await this.redis.hget(this.key(tenantId), id);
    if (!text) throw notFound(ENTRY_KINDS[this.which].name);
    return this.decode(tenantId, id, text);
  }

  /** Replaces an entry (after a failed replay, with the new problems). */
  async put(entry: QuarantineEntry): Promise<void> {
    const write = this.redis
      .multi()
      .hset(this.key(entry.tenantId), entry.id, this.encode(entry))
      .zadd(this.orderKey(entry.tenantId), 0, orderMember(entry))
      .exec();
    await Promise.all([write, this.archiveEntries([entry])]);
  }

  /**
   * Writes back entries read from the archive (a rebuild), each only where the store does not
   * hold it; they are not archived again. Returns how many were written.
   */
  async restore(entries: readonly QuarantineEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const tx = this.redis.multi();
    for (const e of entries)
      tx.hsetnx(this.key(e.tenantId), e.id, this.encode(e)).zadd(
        this.orderKey(e.tenantId),
        0,
        orderMember(e),
      );
    const res = (await tx.exec()) ?? [];
    // Each entry's HSETNX answer (1: written) is at an even index, its ZADD's after it.
    return res.filter(([, n], i) => i % 2 === 0 && n === 1).length;
  }

  /** Removes an entry (replayed successfully, or discarded). */
  async remove(tenantId: string, id: string): Promise<void> {
    const text = await this.redis.hget(this.key(tenantId), id);
    if (!text) throw notFound('entry');
    // Only its order member is needed: an entry whose stored value is bad can still be discarded.
    const entry = { id, at: atOf(text) };
    const [[, n] = []] =
      (await this.redis
        .multi()
        .hdel(this.key(tenantId), id)
        .zrem(this.orderKey(tenantId), orderMember(entry))
        .exec()) ?? [];
    if (n === 0) throw notFound('entry');
    await this.archiveEntries(removals(tenantId, [[id, text]]));
  }

  /**
   * Removes every entry of a sync (the sync is deleted), read without the schema so bad ones go
   * too; their removals are archived. Returns how many were removed.
   */
  async removeOfSync(tenantId: string, syncId: string): Promise<number> {
    const texts = await this.redis.hgetall(this.key(tenantId));
    const gone = Object.entries(texts).filter(([, t]) => fieldOf(t, 'syncId') === syncId);
    if (gone.length === 0) return 0;
    const tx = this.redis.multi();
    for (const [id, text] of gone)
      tx.hdel(this.key(tenantId), id).zrem(
        this.orderKey(tenantId),
        orderMember({ id, at: atOf(text) }),
      );
    await tx.exec();
    await this.archiveEntries(removals(tenantId, gone));
    return gone.length;
  }

  /** How many entries the tenant has. */
  async count(tenantId: string): Promise<number> {
    return this.redis.hlen(this.key(tenantId));
  }
}

/** An entry's member in its order set: `<at>|<id>` (ISO times sort as they follow each other). */
export const orderMember = (e: Pick<QuarantineEntry, 'at' | 'id'>) => `${e.at}|${e.id}`;

/** A field of a stored entry's text, read without its schema (undefined when not JSON). */
function fieldOf(text: string, field: string): unknown {
  try {
    return (JSON.parse(text) as Record<string, unknown>)[field];
  } catch {
    return undefined;
  }
}

/** The `at` of a stored entry's text, read without its schema ('' when the text is not JSON). */
const atOf = (text: string): string => String(fieldOf(text, 'at') ?? '');

/**
 * What the archive keeps of entries that left the store, by id and stored text: those whose
 * connection and stream can be read (an entry without them was never archived either).
 */
function removals(tenantId: string, gone: [id: string, text: string][]): EntryRemoved[] {
  const removedAt = new Date().toISOString();
  return gone.flatMap(([id, text]) => {
    const connectionId = fieldOf(text, 'connectionId');
    const stream = fieldOf(text, 'stream');
    return typeof connectionId === 'string' && typeof stream === 'string'
      ? [{ id, tenantId, connectionId, stream, removedAt }]
      : [];
  });
}

const entryIdOf = (member: string) => member.slice(member.indexOf('|') + 1);
