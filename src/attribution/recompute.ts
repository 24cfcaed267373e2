import type { CoreAttribution } from './attribute.ts';
import { attributeCompact, copyLive, type SeenStart } from './recompute-compact.ts';
import {
  attributeRounds,
  countSeen,
  readFromSeen,
  readRecords,
  type Progress,
  type ReadContext,
  type RecomputeDeps,
  type RecomputeProgress,
} from './recompute-inputs.ts';
import { RollupBuilder, splitField } from './rollups.ts';
import { Staging, throwFirst } from './staging.ts';
import { swapIn, type Swapped } from './swap.ts';
import {
  COMPACT_FIELD,
  GEN_FIELD,
  KEY,
  newState,
  POSITION_FIELD,
  StateKeys,
  STATE_FIELD,
} from './state.ts';
import { encodeAttribution } from './stored-attribution.ts';
import { MODELS, type Model } from './types.ts';

export type { RecomputeDeps, RecomputeProgress } from './recompute-inputs.ts';

/**
 * The generation a recompute replaced expires after this (seconds): a report or explanation that
 * read the old generation's name just before the swap still finds its hashes.
 */
const RETIRED_TTL_S = 60;

const ENTITIES = ['sale', 'lead', 'touchpoint', 'spend'] as const;
/** Sales attributed between waits for the writes sent. */
const SETTLE_EVERY = 500;

/** How a recompute reads its input. */
export interface RecomputeOptions {
  /** Read every record even when the live generation's "seen" entries could be the input. */
  fromRecords?: boolean;
}

/**
 * Full recompute (a settings change, a lost feed position, a first run, or on request): every
 * sale re-attributed, every model rollup rewritten, a new state generation, and the incremental
 * reader's position set to where its input stands. The new hashes are built beside the live
 * ones and swapped in with the state and position in one MULTI, so a report never sees half of
 * it, and the changes logged after that position are handled again by the reader
 * (idempotently). `progress` is told after every few pages.
 *
 * Three ways in. With a live generation whose position is still in the change log
 * (`copyLive`): its "seen" entries, compact copy and (time zone unchanged) base day hashes are
 * copied at that position; then only the compact sale inputs and the packed timelines of
 * customers with a sale are read, streamed a round of sales at a time (`attributeCompact`):
 * what a lookback, half-life or match-confidence change needs. A time-zone change also counts
 * the copied lead and spend "seen" entries again into new base day hashes (`countSeen`). A live
 * generation without a compact copy (from before it) reads the sales and the buyers' records
 * instead (`readFromSeen`) and stages the compact copy. Otherwise, or with `fromRecords`, every
 * record is read, the reader put back to where the change log stood when it began
 * (`readRecords`). Both of those hold every sale's input, and the buyers' touches one round of
 * sales at a time (`attributeRounds`), as the compact path does.
 */
export async function recomputeAll(
  d: RecomputeDeps,
  tenantId: string,
  progress: Progress = async () => undefined,
  opts: RecomputeOptions = {},
): Promise<number> {
  const settings = await d.settings.get(tenantId);
  const logAt = (await d.records.lastChangeId(tenantId)) ?? '0-0';
  const p: RecomputeProgress = {
    state: 'running',
    phase: 'starting',
    done: 0,
    total: 0,
    startedAt: new Date().toISOString(),
  };
  const out = new Staging(d.redis, d.k, tenantId);
  const c: ReadContext = { d, tenantId, settings, out, p, progress };
  try {
    const start = opts.fromRecords ? null : await copyLive(c);
    p.from = start ? 'seen' : 'records';
    p.compact = !!start?.compact;
    const rollups = new RollupBuilder(settings.timeZone);
    const n = await attributeAll(c, start, rollups);
    if (start && !start.baseDates) await countSeen(c, rollups, start.timeZone);
    p.phase = 'writing';
    await progress(p);
    await writeRollups(out, rollups, start?.baseDates ?? []);
    await out.flush();
    const swapped = await swap(c, start?.position ?? logAt, start);
    await retire(d, tenantId, swapped);
    return n;
  } catch (err) {
    await out.discard().catch(() => undefined);
    throw err;
  }
}

/**
 * Reads the inputs the way `start` allows and attributes every sale into `rollups`, staging
 * each sale's attribution (writes waited for every few hundred sales, so they never pile up in
 * memory). Returns the number of sales.
 */
async function attributeAll(
  c: ReadContext,
  start: SeenStart | null,
  rollups: RollupBuilder,
): Promise<number> {
  let i = 0;
  const record = async (a: CoreAttribution) => {
    if (i++ % SETTLE_EVERY === 0) await c.out.settle(1);
    rollups.addSale(a);
    c.out.set(KEY.sales, a.saleId, encodeAttribution(a));
    if (a.dealNumber && !start?.deals) c.out.set(KEY.deals, a.dealNumber, a.saleId);
  };
  const counts = await Promise.all(
    ENTITIES.map((e) => c.d.redis.zcard(c.d.k.recordIds(c.tenantId, e))),
  );
  // Counted again from "seen" (a time-zone change): leads and spend rows.
  const recount = start && !start.baseDates ? counts[1]! + counts[3]! : 0;
  if (start?.compact) {
    c.p.total = recount;
    return attributeCompact(c, record);
  }
  // From "seen": sales, then their customers' timelines; else every record, then the same.
  c.p.total = start ? counts[0]! + recount : counts.reduce((a, b) => a + b, 0);
  const sales = start ? await readFromSeen(c) : await readRecords(c, rollups);
  return attributeRounds(c, sales, record);
}

/**
 * Stages the model day hashes and the days index (a field that sums to nothing is not kept),
 * and the base day hashes unless they were copied (`baseDates`: the dates copied). A day hash
 * holds a few dozen cells, far from a full HSET, so each kind's cells are sent once staged,
 * while the next kind's are encoded, and waited for before those are sent: held all at once, the
 * encoded cells of every model and their commands were the recompute's peak memory.
 */
async function writeRollups(
  out: Staging,
  builder: RollupBuilder,
  baseDates: readonly string[],
): Promise<void> {
  const dates = new Set<string>(baseDates);
  const put = (kind: Model | 'base', field: string, value: string) => {
    const [date, cell] = splitField(field);
    dates.add(date);
    out.set(out.keys.day(kind, date), cell, value);
  };
  for (const [f, v] of builder.baseSums())
    if (v.spendCents !== 0n || v.leads !== 0) put('base', f, `${v.spendCents};${v.leads}`);
  for (const m of MODELS) {
    out.sendPending();
    for (const [f, v] of builder.modelTexts(m)) put(m, f, v);
    await out.settle(1);
  }
  out.sendPending();
  for (const date of dates) out.set(KEY.days, date, '1');
}

/**
 * Makes the staged generation the live one, with its state and the reader's position, in one
 * script (its hashes made persistent; with `start`, the live "seen" hash moved into it when so
 * asked, and the hashes of the generation it read from set to expire if that is the one replaced).
 */
function swap(c: ReadContext, logAt: string, start: SeenStart | null): Promise<Swapped> {
  const { d, out, settings, tenantId } = c;
  const { list, gen } = out.keys;
  return swapIn(d.redis, {
    meta: list[KEY.meta]!,
    positions: list[KEY.positions]!,
    staged: [...out.written].map((i) => list[i]!),
    fields: {
      gen: GEN_FIELD,
      state: STATE_FIELD,
      compact: COMPACT_FIELD,
      position: POSITION_FIELD,
    },
    // Every way in stages a whole compact copy (copied, or built from what it read).
    gen,
    state: newState(settings, gen),
    position: logAt,
    seen: start?.seen ? { from: start.seen, to: list[KEY.seen]! } : undefined,
    retire: start
      ? {
          gen: start.live.gen,
          keys: generationKeys(d, tenantId, start.live.gen, start.live.dates),
          dates: start.live.dates.length,
          ttlS: RETIRED_TTL_S,
        }
      : undefined,
  });
}

/** The hashes of generation `gen` with these dates, its days index first. */
function generationKeys(d: RecomputeDeps, tenantId: string, gen: string, dates: readonly string[]) {
  const keys = new StateKeys(d.k, tenantId, gen);
  for (const date of dates) for (const kind of ['base', ...MODELS] as const) keys.day(kind, date);
  const rest = keys.list.slice(KEY.sales).filter((_, i) => i + KEY.sales !== KEY.days);
  return [keys.list[KEY.days]!, ...rest];
}

/**
 * Lets the replaced generation's hashes expire (no incremental write can land in them any more:
 * each checks the state, which the swap changed) unless the swap did, and deletes the layout
 * before generations.
 */
async function retire(d: RecomputeDeps, tenantId: string, s: Swapped): Promise<void> {
  const legacy = d.k.attrLegacy(tenantId, MODELS);
  const p = d.redis.pipeline().unlink(...legacy);
  if (s.old && !s.retired) {
    const keys = new StateKeys(d.k, tenantId, s.old);
    const dates = await d.redis.hkeys(keys.list[KEY.days]!);
    for (const date of dates) for (const kind of ['base', ...MODELS] as const) keys.day(kind, date);
    for (const key of keys.list.slice(KEY.sales)) p.expire(key, RETIRED_TTL_S);
  }
  throwFirst(await p.exec());
}
