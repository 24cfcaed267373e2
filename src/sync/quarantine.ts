import { randomBytes } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Archive } from '../archive/archive.ts';
import { DeadLetterSchema, QuarantineEntrySchema, type QuarantineEntry } from '../entities/sync.ts';
import { parseStored, parseStoredJson } from '../entities/stored.ts';
import { notFound } from '../errors/app-error.ts';
import { HashBatch } from '../records/hash-batch.ts';
import type { Keys } from '../store/keys.ts';
import { toPage, type Page, type PageRequest } from '../ops/pagination.ts';

export type { DeadLetter, FieldProblem, QuarantineEntry } from '../entities/sync.ts';

/** The schema of each entry store's entries. */
const ENTRY_SCHEMAS = { quarantine: QuarantineEntrySchema, deadLetters: DeadLetterSchema };
const ENTRY_NAMES = { quarantine: 'quarantine entry', deadLetters: 'dead letter' };

/**
 * Quarantine (invalid records) and dead letters (items that kept failing): one hash each per
 * tenant. Given an archive, new entries are also archived (kind `quarantine`, by connection and
 * stream), so they outlive Redis and a discard.
 */
export class EntryStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    private readonly which: 'quarantine' | 'deadLetters',
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
      parseStored(ENTRY_SCHEMAS[this.which], ENTRY_NAMES[this.which], where, e),
    );
  }

  /** An entry from its stored text (a bad field is a StoredValueError naming it). */
  private decode(tenantId: string, id: string, text: string): QuarantineEntry {
    const where = `${this.key(tenantId)} ${id}`;
    return parseStoredJson(ENTRY_SCHEMAS[this.which], ENTRY_NAMES[this.which], where, text);
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

  /** Archives entries, one object per tenant, connection and stream. */
  private async archiveEntries(entries: QuarantineEntry[]): Promise<void> {
    const archive = this.archive;
    if (!archive) return;
    const groups = new Map<string, QuarantineEntry[]>();
    for (const e of entries) {
      const g = `${e.tenantId}/${e.connectionId}/${e.stream}`;
      groups.set(g, [...(groups.get(g) ?? []), e]);
    }
    await Promise.all(
      [...groups.values()].map((g) => {
        const { tenantId, connectionId, stream } = g[0]!;
        return archive.append({ tenantId, connectionId, stream, kind: 'quarantine' }, g);
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
    if (!text) throw notFound(ENTRY_NAMES[this.which]);
    return this.decode(tenantId, id, text);
  }

  /** Replaces an entry (after a failed replay, with the new problems). */
  async put(entry: QuarantineEntry): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(entry.tenantId), entry.id, this.encode(entry))
      .zadd(this.orderKey(entry.tenantId), 0, orderMember(entry))
      .exec();
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
  }

  /** How many entries the tenant has. */
  async count(tenantId: string): Promise<number> {
    return this.redis.hlen(this.key(tenantId));
  }
}

/** An entry's member in its order set: `<at>|<id>` (ISO times sort as they follow each other). */
export const orderMember = (e: Pick<QuarantineEntry, 'at' | 'id'>) => `${e.at}|${e.id}`;

/** The `at` of a stored entry's text, read without its schema ('' when the text is not JSON). */
function atOf(text: string): string {
  try {
    return String((JSON.parse(text) as { at?: unknown }).at ?? '');
  } catch {
    return '';
  }
}

const entryIdOf = (member: string) => member.slice(member.indexOf('|') + 1);
