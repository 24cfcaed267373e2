import type { Redis } from 'ioredis';

import type { Keys } from '../store/keys.ts';
import type { StoredRecord } from './merge.ts';

/** One record write of a batch: `expected` is the version read before merging (0 = new). */
export interface RecordWrite {
  record: StoredRecord;
  expected: number;
  /** Connection whose run caused the change (for the change log). */
  sourceConnectionId: string;
  changed: string[];
}

/** One entry of a tenant's change log. */
export interface ChangeEntry {
  /** Stream id; the cursor of outbound syncs. */
  streamId: string;
  entity: string;
  id: string;
  v: number;
  sourceConnectionId: string;
  fields: string[];
}

/** Longest change log kept per tenant (approximate trim); outbound syncs read far behind this. */
export const CHANGE_LOG_MAX = 1_000_000;

/*
 * Compare-and-set of a batch of records, plus their change log entries, atomically.
 * A record is stored as one string `<version>\x1f<JSON body>`, so a page of records is one MGET.
 * KEYS[1]   the tenant's change stream; KEYS[2..] record keys (all in the tenant's slot)
 * ARGV[1]   change log max length
 * ARGV[2+3i..4+3i]  per record: expected version, record JSON, change fields
 *            (entity, id, source connection id and changed paths joined by \x1f)
 * Returns   a list of 1-based indexes whose version did not match (those were not written).
 */
const CAS_SCRIPT = `
local conflicts = {}
for i = 2, #KEYS do
  local a = 2 + (i - 2) * 3
  local expected = tonumber(ARGV[a])
  local cur = redis.call('GET', KEYS[i])
  local current = 0
  if cur then current = tonumber(string.match(cur, '^(%d+)\\31')) end
  if current ~= expected then
    conflicts[#conflicts + 1] = i - 1
  else
    local v = expected + 1
    redis.call('SET', KEYS[i], v .. '\\31' .. ARGV[a + 1])
    local e, id, src, fields = string.match(ARGV[a + 2], '^([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31(.*)$')
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', e, 'id', id, 'v', v, 's', src, 'f', fields)
  end
end
return conflicts
`;

const SEP = '\x1f';

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

  /** Reads records by id; missing ones are null. One command. */
  async getMany(
    tenantId: string,
    entity: string,
    ids: readonly string[],
  ): Promise<(StoredRecord | null)[]> {
    if (ids.length === 0) return [];
    const vals = await this.redis.mget(ids.map((id) => this.k.record(tenantId, entity, id)));
    return vals.map((text) => {
      if (!text) return null;
      const cut = text.indexOf(SEP);
      return {
        ...(JSON.parse(text.slice(cut + 1)) as Omit<StoredRecord, 'v'>),
        v: Number(text.slice(0, cut)),
      };
    });
  }

  /** Reads one record. */
  async get(tenantId: string, entity: string, id: string): Promise<StoredRecord | null> {
    return (await this.getMany(tenantId, entity, [id]))[0] ?? null;
  }

  /**
   * Writes records whose version still equals `expected`, appending a change entry for each.
   * Returns the writes that lost a race (re-read, re-merge and retry those).
   */
  async writeMany(tenantId: string, writes: readonly RecordWrite[]): Promise<RecordWrite[]> {
    if (writes.length === 0) return [];
    const keys = [this.k.changes(tenantId)];
    const args: (string | number)[] = [CHANGE_LOG_MAX];
    for (const w of writes) {
      keys.push(this.k.record(tenantId, w.record.entity, w.record.id));
      const { v: _v, ...body } = w.record;
      args.push(
        w.expected,
        JSON.stringify(body),
        [w.record.entity, w.record.id, w.sourceConnectionId, w.changed.join(',')].join(SEP),
      );
    }
    const conflicts = (await (this.redis as unknown as CasRedis).casRecords(
      keys.length,
      ...keys,
      ...args,
    )) as number[];
    const lost = new Set(conflicts.map((i) => i - 1));
    writes.forEach((w, i) => {
      if (!lost.has(i)) w.record.v = w.expected + 1;
    });
    return writes.filter((_, i) => lost.has(i));
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
      'id',
      id,
      'v',
      0,
      's',
      reason,
      'f',
      '',
    );
  }

  /** Reads up to `count` change entries after `afterId` ('0' = from the start). */
  async readChanges(tenantId: string, afterId: string, count: number): Promise<ChangeEntry[]> {
    const start = afterId === '0' ? '-' : `(${afterId}`;
    const rows = await this.redis.xrange(this.k.changes(tenantId), start, '+', 'COUNT', count);
    return rows.map(([streamId, kv]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i < kv.length; i += 2) f[kv[i]!] = kv[i + 1]!;
      return {
        streamId,
        entity: f.e ?? '',
        id: f.id ?? '',
        v: Number(f.v),
        sourceConnectionId: f.s ?? '',
        fields: f.f ? f.f.split(',') : [],
      };
    });
  }
}

type CasRedis = { casRecords: (numKeys: number, ...args: (string | number)[]) => Promise<unknown> };
