import type { Redis } from 'ioredis';

import type { Keys } from '../store/keys.ts';
import { dateOfDay, dayNumber } from './dates.ts';
import { Frac } from './fraction.ts';
import { CellSet, type GroupBy } from './report.ts';
import { GEN_FIELD } from './state.ts';
import type { Model } from './types.ts';

/** Stand for the generation's name and the date in the key templates a report script is given. */
const GEN_MARK = '\u0001';
const DATE_MARK = '\u0002';
/** Between a day hash's fields and values, and between the kinds of one date, in the reply. */
const ITEM = '\u001e';
const KIND = '\u001d';
/** Between channel and campaign in a day hash's field (rollups.ts). */
const SEP = '\u001f';

/*
 * KEYS[1] attrMeta. ARGV[1] its generation field; ARGV[2] the key part before the generation;
 * ARGV[3] the days index's part after it; ARGV[4] the generation the caller's cached versions are
 * of; ARGV[5] the number of kinds k; then per kind the day key's parts between generation and
 * date and after the date; then per date: the date and the caller's cached version ('' for none).
 * Returns {} without a live generation, else { gen, then per date its version in the days index
 * ('' when it has none) and false when that is the cached version, else the date's k hashes, each
 * flattened to one string (field ITEM value ITEM ...), joined by KIND }. One round trip, compact:
 * one string per date, not a nested reply per hash.
 */
const DAYS_SCRIPT = `
local gen = redis.call('HGET', KEYS[1], ARGV[1])
if not gen or gen == '' then return {} end
local out = { gen }
local days = ARGV[2] .. gen .. ARGV[3]
local same = gen == ARGV[4]
local k = tonumber(ARGV[5])
for i = 6 + 2 * k, #ARGV, 2 do
  local date = ARGV[i]
  local v = redis.call('HGET', days, date) or ''
  out[#out + 1] = v
  if same and v ~= '' and v == ARGV[i + 1] then
    out[#out + 1] = false
  elseif v == '' then
    out[#out + 1] = ''
  else
    local parts = {}
    for j = 1, k do
      local key = ARGV[2] .. gen .. ARGV[4 + 2 * j] .. date .. ARGV[5 + 2 * j]
      parts[j] = table.concat(redis.call('HGETALL', key), '${ITEM}')
    end
    out[#out + 1] = table.concat(parts, '${KIND}')
  end
end
return out
`;

type DaysRedis = Redis & {
  attrDaysV2(numKeys: number, ...args: string[]): Promise<(string | null)[]>;
};

/** One (channel, campaign) cell of a parsed day hash. */
interface DayCell {
  /** The hash's field: `<channel>␟<campaign>`. */
  key: string;
  channel: string;
  campaignId: string;
  /** base: spend cents and leads; a model: sold, gross and revenue over the day's `den`. */
  a: bigint;
  b: bigint;
  c: bigint;
}

/** One day hash parsed: its cells, and for a model the common denominator of its sums. */
interface ParsedDay {
  cells: DayCell[];
  den: bigint;
}

/** A date's parsed hashes (by kind) as of one version of the days index. */
interface CachedDate {
  version: string;
  kinds: Map<string, ParsedDay>;
}

/** Cells the cache keeps at most (all tenants), about 200 bytes each. */
const MAX_CACHED_CELLS = 200_000;

/**
 * Reads stored day hashes of a range for reports and sums them exactly. A date's version in the
 * generation's days index changes in the same write as any of its hashes (day-items.ts; a
 * recompute writes a new generation), so parsed days are kept per tenant, generation, date and
 * version (bounded) and a report fetches only the dates that changed since it last read them.
 */
export class DayReader {
  private readonly cache = new Map<string, CachedDate>();
  private readonly gens = new Map<string, string>();
  private cellCount = 0;
  /** Reads waiting for the next turn of the event loop, by tenant and range. */
  private readonly batches = new Map<
    string,
    { kinds: Set<string>; done: Promise<Map<string, ParsedDay>[]> }
  >();

  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** The report cells of `[from, to]` under `model`: base (spend, leads) and the model's sums. */
  async cells(
    tenantId: string,
    q: { from: string; to: string; model: Model; groupBy: GroupBy },
  ): Promise<CellSet> {
    const kinds = ['base', q.model];
    const dates: string[] = [];
    for (let day = dayNumber(q.from); day <= dayNumber(q.to); day++) dates.push(dateOfDay(day));
    const set = new CellSet(q.groupBy);
    if (dates.length === 0) return set;
    const days = await this.batched(tenantId, kinds, dates);
    for (const s of sumDays(days.map((d) => d.get('base'))).values())
      set.addBase(s.channel, s.campaignId, s.a, Number(s.b));
    const { sums, den } = sumModel(days.map((d) => d.get(q.model)));
    for (const s of sums.values())
      set.addContribution({
        channel: s.channel,
        campaignId: s.campaignId,
        sold: new Frac(s.a, den),
        gross: new Frac(s.b, den),
        revenue: new Frac(s.c, den),
      });
    return set;
  }

  /**
   * `read`, shared by the reports of one tenant and range asked for in the same turn of the event
   * loop (e.g. all five models at once): one script reads the base and every model asked for.
   */
  private batched(
    tenantId: string,
    kinds: readonly string[],
    dates: readonly string[],
  ): Promise<Map<string, ParsedDay>[]> {
    const key = `${tenantId}\u0000${dates[0]}\u0000${dates.at(-1)}`;
    let b = this.batches.get(key);
    if (!b) {
      const all = new Set<string>();
      const done = new Promise((resolve) => setImmediate(resolve)).then(() => {
        this.batches.delete(key);
        return this.read(tenantId, [...all], dates);
      });
      this.batches.set(key, (b = { kinds: all, done }));
    }
    for (const kind of kinds) b.kinds.add(kind);
    return b.done;
  }

  /** Each date's parsed hashes of `kinds` (from the cache when its version is unchanged). */
  private async read(
    tenantId: string,
    kinds: readonly string[],
    dates: readonly string[],
  ): Promise<Map<string, ParsedDay>[]> {
    const cachedGen = this.gens.get(tenantId) ?? '';
    const at = (gen: string, date: string) => `${tenantId}\u0000${gen}\u0000${date}`;
    const args: string[] = [GEN_FIELD, ...this.templates(tenantId, kinds)];
    args.splice(3, 0, cachedGen, String(kinds.length));
    // The entries the versions sent are of (a concurrent read may evict them meanwhile).
    const held = dates.map((date) => {
      const c = this.cache.get(at(cachedGen, date));
      return c && kinds.every((kind) => c.kinds.has(kind)) ? c : undefined;
    });
    dates.forEach((date, i) => args.push(date, held[i]?.version ?? ''));
    if (!('attrDaysV2' in this.redis)) this.redis.defineCommand('attrDaysV2', { lua: DAYS_SCRIPT });
    const reply = await (this.redis as DaysRedis).attrDaysV2(1, this.k.attrMeta(tenantId), ...args);
    const gen = reply[0];
    if (!gen) return [];
    if (gen !== cachedGen) this.forget(tenantId, gen);
    return dates.map((date, i) => {
      const version = reply[1 + 2 * i] ?? '';
      const text = reply[2 + 2 * i];
      const c = held[i];
      if (text === null && c) return this.touch(at(gen, date), c).kinds;
      if (typeof text !== 'string') throw new Error(`no day hashes of ${date} in the reply`);
      const parts = text.split(KIND);
      const parsed = new Map(kinds.map((kind, j) => [kind, parseDay(kind, parts[j] ?? '')]));
      if (version) this.touch(at(gen, date), { version, kinds: parsed });
      return parsed;
    });
  }

  /** The day keys around the generation and the date: head, days tail, then per kind two parts. */
  private templates(tenantId: string, kinds: readonly string[]): string[] {
    const [head, daysTail] = this.k.attrGen(tenantId, GEN_MARK, 'days').split(GEN_MARK) as [
      string,
      string,
    ];
    const out = [head, daysTail];
    for (const kind of kinds) {
      const tail = this.k.attrDay(tenantId, GEN_MARK, kind, DATE_MARK).split(GEN_MARK)[1]!;
      out.push(...(tail.split(DATE_MARK) as [string, string]));
    }
    return out;
  }

  /** Drops a tenant's cached dates (its generation changed). */
  private forget(tenantId: string, gen: string): void {
    const prefix = `${tenantId}\u0000`;
    for (const [key, c] of this.cache)
      if (key.startsWith(prefix)) {
        this.cache.delete(key);
        this.cellCount -= cellsOf(c);
      }
    this.gens.set(tenantId, gen);
  }

  /**
   * Caches a date's parsed kinds as the most recently read (with the kinds a concurrent read
   * cached of the same version), evicting the least recently read dates beyond the bound.
   */
  private touch(key: string, c: CachedDate): CachedDate {
    const now = this.cache.get(key);
    if (now) {
      this.cache.delete(key);
      this.cellCount -= cellsOf(now);
      if (now !== c && now.version === c.version)
        for (const [kind, d] of now.kinds) if (!c.kinds.has(kind)) c.kinds.set(kind, d);
    }
    this.cache.set(key, c);
    this.cellCount += cellsOf(c);
    for (const [k, v] of this.cache) {
      if (this.cellCount <= MAX_CACHED_CELLS) break;
      this.cache.delete(k);
      this.cellCount -= cellsOf(v);
    }
    return c;
  }
}

const cellsOf = (c: CachedDate) => {
  let n = 0;
  for (const d of c.kinds.values()) n += d.cells.length;
  return n;
};

/**
 * A day hash flattened by the script: base values `<spend cents>;<leads>`, model values
 * `<sold>;<gross>;<revenue>` exact fractions, brought over the day's least common denominator.
 */
function parseDay(kind: string, text: string): ParsedDay {
  if (text === '') return { cells: [], den: 1n };
  const flat = text.split(ITEM);
  const cells: DayCell[] = [];
  const fracs: [bigint, bigint][][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    const s = field.indexOf(SEP);
    const cell = {
      key: field,
      channel: field.slice(0, s),
      campaignId: field.slice(s + 1),
      a: 0n,
      b: 0n,
      c: 0n,
    };
    const v = flat[i + 1]!.split(';');
    if (kind === 'base') {
      cell.a = BigInt(v[0]!);
      cell.b = BigInt(v[1]!);
    } else fracs.push(v.map(ratio));
    cells.push(cell);
  }
  if (kind === 'base') return { cells, den: 1n };
  let den = 1n;
  for (const f of fracs) for (const [, d] of f) den = lcm(den, d);
  cells.forEach((cell, i) => {
    const [sold, gross, revenue] = fracs[i]!.map(([n, d]) => n * (den / d)) as [
      bigint,
      bigint,
      bigint,
    ];
    Object.assign(cell, { a: sold, b: gross, c: revenue });
  });
  return { cells, den };
}

/** `n/d` or `n` (not necessarily reduced, d > 0). */
function ratio(text: string): [bigint, bigint] {
  const slash = text.indexOf('/');
  if (slash < 0) return [BigInt(text), 1n];
  const d = BigInt(text.slice(slash + 1));
  if (d <= 0n) throw new RangeError(`bad fraction ${text}`);
  return [BigInt(text.slice(0, slash)), d];
}

/**
 * A model's parsed days summed per (channel, campaign) in integers over one common denominator
 * of the range (the lcm of the days' few distinct denominators).
 */
function sumModel(days: readonly (ParsedDay | undefined)[]): {
  sums: Map<string, DayCell>;
  den: bigint;
} {
  let den = 1n;
  for (const d of new Set(days.map((x) => x?.den ?? 1n))) den = lcm(den, d);
  return { sums: sumDays(days, den), den };
}

/** Parsed days' cells summed per (channel, campaign), each day's values × `den / day.den`. */
function sumDays(days: readonly (ParsedDay | undefined)[], den = 1n): Map<string, DayCell> {
  const sums = new Map<string, DayCell>();
  for (const d of days) {
    if (!d) continue;
    const f = den / d.den;
    for (const c of d.cells) {
      let s = sums.get(c.key);
      if (!s) sums.set(c.key, (s = { ...c, a: 0n, b: 0n, c: 0n }));
      if (f === 1n) {
        s.a += c.a;
        s.b += c.b;
        s.c += c.c;
      } else {
        s.a += c.a * f;
        s.b += c.b * f;
        s.c += c.c * f;
      }
    }
  }
  return sums;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

const lcm = (a: bigint, b: bigint) => (a === b ? a : (a / gcd(a, b)) * b);
