import type { Redis } from 'ioredis';
import { pack } from 'msgpackr';

import type { Keys } from '../store/keys.ts';
import { indexScores, TIME_FIELDS, TOUCH_ENTITIES } from './access-paths.ts';
import { CAS_SCRIPT } from './cas-script.ts';
import { readChangeLog, type ChangesRead, type LogFilter } from './change-log.ts';
import { bodiesHavingField } from './having-field.ts';
import type { FieldMeta, StoredRecord } from './merge.ts';

/** One record write of a batch: `expected` is the version read before merging (0 = new). */
export interface RecordWrite {
  record: StoredRecord;
  expected: number;
  /** Connection whose run caused the change (for the change log). */
  sourceConnectionId: string;
  /** Paths the merge changed (callers decide by it whether to write; not logged). */
  changed: string[];
}

/** One change of the tenant's change log (a log entry holds the changes of one committed batch). */
export interface ChangeEntry {
  /** Id of the log entry holding the change; the cursor of outbound syncs. */
  streamId: string;
  entity: string;
  id: string;
  /** The record's version after the change (0 for a replay, which changes nothing). */
  v: number;
  sourceConnectionId: string;
}

/**
 * Longest change log kept per tenant, in entries (approximate trim). An entry is one committed
 * batch (up to a page of records, or a single webhook or replayed record), so this keeps at least
 * this many changes and usually far more; outbound syncs read far behind it.
 */
export const CHANGE_LOG_MAX = 100_000;

const NO_SCORES = { touchMs: -1, dateScore: -1 };

type CasRedis = {
  casRecords: (numKeys: number, ...args: (string | number | Buffer)[]) => Promise<number[]>;
};

/** A field's metadata as stored: [connector id, time] or [connector id, time, owner rule]. */
type MetaTuple = [string, number] | [string, number, string];

/**
 * The stored JSON body of a record (id, entity and version live in the keys around it). Field
 * metadata is stored once for the record (`d`, the first field's) plus the fields whose metadata
 * differs (`x`) and the fields that have none (`n`): a record's fields usually come from one
 * source at one time, so this halves the body against a metadata object per field.
 */
interface Body {
  c?: string;
  /** Match key (confidence follows from it: README "Identity rules"). */
  k?: StoredRecord['matchKey'];
  f: StoredRecord['f'];
  d?: MetaTuple;
  x?: Record<string, MetaTuple>;
  n?: string[];
}

const tuple = (m: FieldMeta): MetaTuple => (m.o ? [m.src, m.at, m.o] : [m.src, m.at]);
const meta = (t: MetaTuple): FieldMeta =>
  t.length === 3 ? { src: t[0], at: t[1], o: t[2] } : { src: t[0], at: t[1] };
const sameMeta = (a: FieldMeta, b: FieldMeta) => a.src === b.src && a.at === b.at && a.o === b.o;

/** A record's body as stored: `<version>|<JSON>`, the version being `v` (the record's own by default). */
export function encodeBody(r: StoredRecord, v = r.v): string {
  const body: Body = { f: r.f };
  if (r.customerId) body.c = r.customerId;
  if (r.matchKey) body.k = r.matchKey;
  let first: FieldMeta | undefined;
  for (const path in r.m) {
    const m = r.m[path]!;
    if (!first) {
      first = m;
      body.d = tuple(m);
      if (!(path in r.f)) (body.x ??= {})[path] = body.d;
    } else if (!sameMeta(m, first) || !(path in r.f)) (body.x ??= {})[path] = tuple(m);
  }
  for (const path in r.f) if (!r.m[path]) (body.n ??= []).push(path);
  return `${v}|${JSON.stringify(body)}`;
}

/** A record from its stored body; `withMeta: false` skips rebuilding field metadata (m = {}). */
export function decodeBody(
  id: string,
  entity: string,
  stored: string,
  withMeta = true,
): StoredRecord {
  const bar = stored.indexOf('|');
  const body = JSON.parse(stored.slice(bar + 1)) as Body;
  const rec: StoredRecord = { id, entity, v: Number(stored.slice(0, bar)), f: body.f, m: {} };
  if (body.c) rec.customerId = body.c;
  if (body.k) {
    rec.matchKey = body.k;
    rec.matchConfidence = body.k === 'namePostal' ? 'medium' : 'high';
  }
  if (withMeta) {
    const d = body.d && meta(body.d);
    const none = new Set(body.n);
    for (const path in body.f) if (d && !none.has(path)) rec.m[path] = d; // never changed in place
    for (const path in body.x) rec.m[path] = meta(body.x[path]!);
  }
  return rec;
}

/** Whether a record is a customer merged into another (what a merge writes, `mergedInto`). */
const isMerged = (r: StoredRecord) => typeof r.f.mergedInto === 'string' && r.f.mergedInto !== '';

/** Orders two stream entry ids (`<ms>-<seq>`). */
function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/** Canonical records of tenants, versioned, with the change log beside them. */
export class RecordStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {
    if (!('casRecords' in redis)) {
      redis.defineCommand('casRecords', { lua: CAS_SCRIPT });
    }
  }

  /**
   * Reads records by id; missing ones are null. One round trip. `lean` skips rebuilding field
   * metadata (m = {}), for readers that only map the fields out.
   */
  async getMany(
    tenantId: string,
    entity: string,
    ids: readonly string[],
    opts: { lean?: boolean } = {},
  ): Promise<(StoredRecord | null)[]> {
    if (ids.length === 0) return [];
    const bodies = await this.redis.hmget(this.k.records(tenantId, entity), ...ids);
    return bodies.map((text, i) => (text ? decodeBody(ids[i]!, entity, text, !opts.lean) : null));
  }

  /**
   * One page of a walk over every record of an entity in id order, after record id `afterId`
   * (null starts). The position is a record id, so it means the same after a Redis restart or
   * failover. Records created during the walk with a smaller id are not seen: callers follow the
   * change log from where it stood when the walk began. `last` is the position to go on from
   * (null when the walk is over).
   */
  async walk(
    tenantId: string,
    entity: string,
    afterId: string | null,
    count: number,
    opts: { lean?: boolean } = {},
  ): Promise<{ last: string | null; records: StoredRecord[] }> {
    const { last, ids } = await this.walkIds(tenantId, entity, afterId, count);
    const found = await this.getMany(tenantId, entity, ids, opts);
    return { last, records: found.filter((r): r is StoredRecord => r !== null) };
  }

  /** One page of a walk (see `walk`) as record ids only: the next `count` ids after `afterId`. */
  async walkIds(
    tenantId: string,
    entity: string,
    afterId: string | null,
    count: number,
  ): Promise<{ last: string | null; ids: string[] }> {
    const ids = await this.redis.zrangebylex(
      this.k.recordIds(tenantId, entity),
      afterId === null ? '-' : `(${afterId}`,
      '+',
      'LIMIT',
      0,
      count,
    );
    return { last: ids.length < count ? null : ids[ids.length - 1]!, ids };
  }

  /**
   * The records among `ids` whose flat field `field` is a non-empty string, read lean; only their
   * bodies leave Redis (for a reader that reacts to, say, merged customers among thousands of
   * changed ones, and would otherwise read every one of them).
   */
  async getHaving(
    tenantId: string,
    entity: string,
    ids: readonly string[],
    field: string,
  ): Promise<StoredRecord[]> {
    const key = this.k.records(tenantId, entity);
    return (await bodiesHavingField(this.redis, key, ids, field))
      .map(([id, body]) => decodeBody(id, entity, body, false))
      .filter((r) => typeof r.f[field] === 'string' && r.f[field] !== '');
  }

  /** Reads one record. */
  async get(tenantId: string, entity: string, id: string): Promise<StoredRecord | null> {
    return (await this.getMany(tenantId, entity, [id]))[0] ?? null;
  }

  /**
   * Writes records whose version still equals `expected`, appending one change entry per entity
   * and source connection of the batch. Returns the writes that lost a race (re-read, re-merge and
   * retry those).
   */
  async writeMany(tenantId: string, writes: readonly RecordWrite[]): Promise<RecordWrite[]> {
    if (writes.length === 0) return [];
    const groups = new Map<string, RecordWrite[]>();
    for (const w of writes) {
      const g = `${w.record.entity}\n${w.sourceConnectionId}`;
      const list = groups.get(g);
      if (list) list.push(w);
      else groups.set(g, [w]);
    }
    const cas = this.redis as unknown as CasRedis;
    const lost = new Set<RecordWrite>();
    // One script per group, sent together: each group is atomic on its own, which is all the
    // callers need (every record is compared and set on its own version).
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const { entity } = group[0]!.record;
        const items: (string | number)[] = [];
        const dated = entity in TIME_FIELDS;
        const touches = TOUCH_ENTITIES.has(entity);
        let merge = false;
        for (const w of group) {
          merge ||= isMerged(w.record);
          items.push(w.record.id, w.expected, encodeBody(w.record, w.expected + 1));
          if (!dated && !touches) continue; // the script reads 3 items a record then
          const { touchMs, dateScore } = dated ? indexScores(entity, w.record.f) : NO_SCORES;
          items.push(w.record.customerId ?? '', touchMs, dateScore);
        }
        const conflicts = await cas.casRecords(
          4,
          this.k.changes(tenantId),
          this.k.records(tenantId, entity),
          this.k.recordIds(tenantId, entity),
          this.k.recordsByDate(tenantId, entity),
          CHANGE_LOG_MAX,
          entity,
          group[0]!.sourceConnectionId,
          pack(items),
          dated ? '1' : '0',
          touches ? this.k.customerTouches(tenantId, '') : '',
          entity === 'sale' ? this.k.buyers(tenantId) : '',
          merge ? '1' : '0',
          entity === 'customer' ? this.k.buyers(tenantId) : '',
        );
        for (const i of conflicts) lost.add(group[i - 1]!);
      }),
    );
    for (const w of writes) if (!lost.has(w)) w.record.v = w.expected + 1;
    return writes.filter((w) => lost.has(w));
  }

  /** Appends a change entry without changing the record, so outbound syncs send it again (replay). */
  async touch(tenantId: string, entity: string, id: string, reason: string): Promise<void> {
    await this.redis.xadd(
      this.k.changes(tenantId),
      'MAXLEN',
      '~',
      CHANGE_LOG_MAX,
      '*',
      'e',
      entity,
      's',
      reason,
      'r',
      `${id}\t0`,
    );
  }

  /** Id of the newest change log entry, or null when the log is empty. */
  async lastChangeId(tenantId: string): Promise<string | null> {
    const [last] = await this.redis.xrevrange(this.k.changes(tenantId), '+', '-', 'COUNT', 1);
    return last?.[0] ?? null;
  }

  /**
   * Whether changes logged after entry `afterId` may have been trimmed from the log before a
   * reader got to them: entries were trimmed, the entry itself is gone and the log now starts
   * after it. (The log is trimmed from its head, so while the entry is there nothing after it
   * was trimmed.) Positions that are not log entries (`0`, `walk:...`) are never behind.
   */
  async trimmedAfter(tenantId: string, afterId: string): Promise<boolean> {
    if (!/^\d+-\d+$/.test(afterId)) return false;
    const key = this.k.changes(tenantId);
    const [at, info] = await Promise.all([
      this.redis.xrange(key, afterId, afterId),
      this.redis.call('XINFO', 'STREAM', key).catch(() => null) as Promise<unknown[] | null>,
    ]);
    if (at.length || !info) return false;
    const field = (name: string) => info[info.indexOf(name) + 1];
    const trimmed = Number(field('entries-added')) > Number(field('length'));
    const first = field('first-entry') as [string, string[]] | null;
    return trimmed && !!first && compareStreamIds(afterId, first[0]) < 0;
  }

  /**
   * Reads the changes logged after entry `afterId` ('0' = from the start): whole entries, until at
   * least `count` changes are collected (the last entry may take it past `count`) or the log ends.
   */
  async readChanges(tenantId: string, afterId: string, count: number): Promise<ChangeEntry[]> {
    return (await this.readChangesHeld(tenantId, afterId, count)).changes;
  }

  /**
   * `readChanges`, telling too whether the entry at `afterId` was still in the log and where the
   * read ended (`ChangesRead`); with a filter, only the changes it wants.
   */
  async readChangesHeld(
    tenantId: string,
    afterId: string,
    count: number,
    filter?: LogFilter,
  ): Promise<ChangesRead> {
    return readChangeLog(this.redis, this.k.changes(tenantId), afterId, count, filter);
  }
}
