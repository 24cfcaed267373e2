import { randomBytes } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Archive } from '../archive/archive.ts';
import { notFound } from '../errors/app-error.ts';
import { HashBatch } from '../records/hash-batch.ts';
import type { Keys } from '../store/keys.ts';
import { toPage, type Page, type PageRequest } from '../ops/pagination.ts';

/** Why one field of a record was refused. */
export interface FieldProblem {
  field: string;
  reason: string;
}

/**
 * A record the hub refused: kept whole with the reasons, until fixed and replayed or discarded.
 * Inbound entries hold the system record as read; outbound entries the canonical id.
 */
export interface QuarantineEntry {
  id: string;
  tenantId: string;
  syncId: string;
  connectionId: string;
  direction: 'in' | 'out';
  stream: string;
  externalKey: string | null;
  record: Record<string, unknown>;
  problems: FieldProblem[];
  at: string;
  /** Times it was replayed and failed again. */
  replays: number;
}

/** Dead letters share the quarantine's shape: outbound items that kept failing for a retryable reason. */
export type DeadLetter = QuarantineEntry;

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
    for (const e of full) batch.set(this.key(e.tenantId), e.id, JSON.stringify(e));
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
    const all = Object.values(await this.redis.hgetall(this.key(tenantId))).map(
      (t) => JSON.parse(t) as QuarantineEntry,
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
      const texts = await this.redis.hmget(this.key(tenantId), ...members.map(entryIdOf));
      for (const text of texts) {
        const e = text ? (JSON.parse(text) as QuarantineEntry) : null;
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
    if (!text) throw notFound(this.which === 'quarantine' ? 'quarantine entry' : 'dead letter');
    return JSON.parse(text) as QuarantineEntry;
  }

  /** Replaces an entry (after a failed replay, with the new problems). */
  async put(entry: QuarantineEntry): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(entry.tenantId), entry.id, JSON.stringify(entry))
      .zadd(this.orderKey(entry.tenantId), 0, orderMember(entry))
      .exec();
  }

  /** Removes an entry (replayed successfully, or discarded). */
  async remove(tenantId: string, id: string): Promise<void> {
    const text = await this.redis.hget(this.key(tenantId), id);
    if (!text) throw notFound('entry');
    const entry = JSON.parse(text) as QuarantineEntry;
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

const entryIdOf = (member: string) => member.slice(member.indexOf('|') + 1);
