import type { Redis } from 'ioredis';

import type { ChangeEntry } from './record-store.ts';

/** Most change log entries one XRANGE asks for. */
const MAX_ENTRIES_PER_READ = 64;

/** Changes read after a position, and whether the position's entry was still in the log. */
export interface ChangesRead {
  changes: ChangeEntry[];
  /**
   * True when every XRANGE found the entry it started from (each starts at the last entry read,
   * inclusive): the log is trimmed from its head, so nothing the read needed had been trimmed.
   * False for `'0'` and for a position whose entry is gone (then ask `trimmedAfter`).
   */
  held: boolean;
  /**
   * The last log entry the read went past (of any entity, so a reader of one entity moves past
   * entries of others it skipped); null when it found no entry after the position.
   */
  last: string | null;
}

/**
 * Which log entries a reader gets: those of `entities`, and of each entity in `flagged` only the
 * entries with one of its flags set: `m` may hold a customer merge, `b` may hold a buyer (a
 * customer with a sale), as `RecordStore.writeMany` writes them ('1' or '0'). An entry without the
 * field (written before entries had it, or a replay's) counts as set.
 */
export interface LogFilter {
  entities: readonly string[];
  flagged?: Readonly<Record<string, readonly ('m' | 'b')[]>>;
}

/*
 * The XRANGEs of a filtered reader (LogFilter), filtered in Redis: the entries it does not want are
 * passed over there, not sent. KEYS[1] the change stream. ARGV[1] the first id (inclusive, '-'
 * for the start), ARGV[2] the most entries to go through, ARGV[3] the entities (comma-separated),
 * ARGV[4] an id whose entry is not returned (the reader's position: read again only to see it is
 * still there) or '', ARGV[5] the most entries to return (it stops at the last one), ARGV[6] the
 * flagged entities as `entity:flags` (comma-separated; `customer:mb`): of those, only entries
 * with one of the flags other than '0' (or without it) are wanted.
 * It goes a few entries at a time (as many as could still be wanted: an entry can be a page of
 * a thousand changes) and stops at the last wanted one. Exclusive ranges: Redis 6.2 or later.
 * Returns { the first entry's id ('' none), the last entry gone through ('' none), 1 when the
 * log ended there (else 0), then per wanted entry: its id, entity, source connection and rows }.
 */
const FILTERED_RANGE = `
local ask = tonumber(ARGV[2])
local most = tonumber(ARGV[5])
local all, flagged = {}, {}
for e in string.gmatch(ARGV[3], '[^,]+') do all[e] = true end
for e, f in string.gmatch(ARGV[6], '([^,:]+):([^,]+)') do flagged[e] = f end
local out = { '', '', 0 }
local start, scanned, found = ARGV[1], 0, 0
while scanned < ask do
  -- A few entries at a time, as many as could still be wanted: entries can be large pages.
  local step = math.min(ask - scanned, most - found + 1)
  local rows = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', step)
  if scanned == 0 and #rows > 0 then out[1] = rows[1][1] end
  for _, row in ipairs(rows) do
    scanned = scanned + 1
    out[2] = row[1]
    if row[1] ~= ARGV[4] then
      local kv = row[2]
      local e, s, r, set = '', '', '', {}
      for j = 1, #kv, 2 do
        local f = kv[j]
        if f == 'e' then e = kv[j + 1] elseif f == 's' then s = kv[j + 1]
        elseif f == 'r' then r = kv[j + 1] else set[f] = kv[j + 1] end
      end
      local want = all[e]
      if not want and flagged[e] then
        for k in string.gmatch(flagged[e], '.') do
          if set[k] ~= '0' then want = true end
        end
      end
      if want then
        out[#out + 1] = row[1]
        out[#out + 1] = e
        out[#out + 1] = s
        out[#out + 1] = r
        found = found + 1
        if found >= most then return out end
      end
    end
  end
  if #rows < step then
    out[3] = 1
    return out
  end
  start = '(' .. out[2]
end
return out
`;

type RangeRedis = Redis & {
  feedRange(numKeys: number, ...args: string[]): Promise<(string | number)[]>;
};

/** What one range read brought: entries (`[id, fields]`), the first and last gone through. */
interface Range {
  rows: [string, string[]][];
  first: string | null;
  last: string | null;
  /** The log ended within the read. */
  ended: boolean;
}

/**
 * One XRANGE after `from` (inclusive), of `ask` entries; with a filter, only the entries it wants
 * come back, `most` of them at most (the read stops at the last).
 */
async function range(
  redis: Redis,
  key: string,
  from: string | null,
  ask: number,
  filter: LogFilter | undefined,
  most: number,
): Promise<Range> {
  if (filter === undefined) {
    const rows = await redis.xrange(key, from ?? '-', '+', 'COUNT', ask);
    const [first, last] = [rows[0]?.[0] ?? null, rows.at(-1)?.[0] ?? null];
    return { rows, first, last, ended: rows.length < ask };
  }
  if (!('feedRange' in redis)) redis.defineCommand('feedRange', { lua: FILTERED_RANGE });
  const flagged = Object.entries(filter.flagged ?? {}).map(([e, f]) => `${e}:${f.join('')}`);
  const args = [from ?? '-', String(ask), filter.entities.join(','), from ?? '', String(most)];
  const out = await (redis as RangeRedis).feedRange(1, key, ...args, flagged.join(','));
  const rows: [string, string[]][] = [];
  for (let i = 3; i < out.length; i += 4) {
    const [id, e, s, r] = [out[i], out[i + 1], out[i + 2], out[i + 3]].map(String);
    rows.push([id!, ['e', e!, 's', s!, 'r', r!]]);
  }
  const [first, last] = [String(out[0]) || null, String(out[1]) || null];
  return { rows, first, last, ended: Number(out[2]) === 1 };
}

/** The changes of one log entry (`r` holds `<id>\t<version>` lines). */
function entryChanges(streamId: string, kv: string[], out: ChangeEntry[]): void {
  const f: Record<string, string> = {};
  for (let i = 0; i < kv.length; i += 2) f[kv[i]!] = kv[i + 1]!;
  const entity = f.e ?? '';
  const sourceConnectionId = f.s ?? '';
  for (const line of (f.r ?? '').split('\n')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    out.push({
      streamId,
      entity,
      id: line.slice(0, tab),
      v: Number(line.slice(tab + 1)),
      sourceConnectionId,
    });
  }
}

/**
 * Reads the changes logged after entry `afterId` ('0' = from the start) in the stream at `key`:
 * whole entries, until at least `count` changes are collected (the last entry may take it past
 * `count`) or the log ends. With a filter, only the entries it wants (Redis passes over the
 * others without sending them). Each XRANGE asks for about as many entries as the changes still
 * wanted need at the rows per entry seen so far (an entry is a batch: one webhook record or a
 * page of hundreds), so a reader of 500 changes does not fetch 16 page-sized entries to use one.
 */
export async function readChangeLog(
  redis: Redis,
  key: string,
  afterId: string,
  count: number,
  filter?: LogFilter,
): Promise<ChangesRead> {
  const out: ChangeEntry[] = [];
  let from = afterId === '0' ? null : afterId;
  let held = from !== null;
  let last: string | null = null;
  let entries = 0;
  for (;;) {
    // The first read takes one entry, to learn how many changes an entry of this log holds.
    const want = entries
      ? Math.ceil(Math.max(1, count - out.length) / Math.max(1, out.length / entries))
      : 1;
    // Filtered, Redis goes through up to the most entries and returns the wanted ones of them.
    const scan = filter === undefined ? Math.min(MAX_ENTRIES_PER_READ, want) : MAX_ENTRIES_PER_READ;
    const ask = scan + (from === null ? 0 : 1);
    const got = await range(redis, key, from, ask, filter, want);
    const rows = got.rows;
    // The position's own entry: skipped by the script when filtered, else the first row.
    const fromSeen = from !== null && got.first === from;
    if (from !== null && !fromSeen) held = false;
    const start = fromSeen && rows[0]?.[0] === from ? 1 : 0;
    if (got.last !== null && got.last !== from) last = got.last;
    for (let i = start; i < rows.length; i++) {
      entryChanges(rows[i]![0], rows[i]![1], out);
      entries++;
      if (out.length >= count) return { changes: out, held, last: rows[i]![0] };
    }
    if (got.ended || got.last === null || got.last === from) return { changes: out, held, last };
    from = got.last;
  }
}
