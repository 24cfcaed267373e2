import type { Redis } from 'ioredis';

import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import type { SettingsStore } from '../tenants/settings-store.ts';
import { attributeCore, type CoreAttribution } from './attribute.ts';
import { tenantDate } from './dates.ts';
import { leadInput, saleInput, spendInput, touchpointInput } from './inputs.ts';
import { RollupBuilder, withDate } from './rollups.ts';
import { encodeSaleInput, encodeTouches } from './packed.ts';
import { decodeSeen, encodeSeen, seenOf } from './seen.ts';
import { throwFirst, type Staging } from './staging.ts';
import { KEY } from './state.ts';
import { buildTouches } from './touches.ts';
import type { LeadInput, SaleInput, Touch, TouchpointInput } from './types.ts';

/** Ids per HMGET while reading, and HMGETs in flight at once. */
const PAGE = 1000;
const IN_FLIGHT = 4;
/** Customers whose touch sets one pipeline reads. */
const CUSTOMERS_PER_PIPELINE = 500;
/** Sales attributed per round; only a round's (and the next round's) touches are held. */
const SALES_PER_ROUND = 1000;

/** Where a full recompute stands: what the CLI, the API and the job's progress show. */
export interface RecomputeProgress {
  state: 'running' | 'done' | 'failed';
  /**
   * `copying seen`, `reading <entity>`, `reading sales`, `counting <entity>`, `attributing`,
   * `writing`, or `done`.
   */
  phase: string;
  /** Items read so far (records, or "seen" entries counted), of `total`. */
  done: number;
  total: number;
  /** Sales attributed (when done). */
  sales?: number;
  /** `seen` (from the live generation's seen entries) or `records` (from every record). */
  from?: 'seen' | 'records';
  /** From the live generation's compact copy (packed.ts), not the sale and timeline records. */
  compact?: boolean;
  startedAt: string;
  finishedAt?: string;
  jobId?: string;
  error?: string;
}

/** What a recompute reads and writes. */
export interface RecomputeDeps {
  redis: Redis;
  k: Keys;
  records: RecordStore;
  settings: SettingsStore;
}

export type Progress = (p: RecomputeProgress) => Promise<void>;

/** What one reading phase is given. */
export interface ReadContext {
  d: RecomputeDeps;
  tenantId: string;
  settings: TenantSettings;
  out: Staging;
  p: RecomputeProgress;
  progress: Progress;
}

/**
 * Walks a sorted set of ids in lex order, PAGE × IN_FLIGHT ids at a time, handing each page's
 * ids in chunks of PAGE to `onChunks` (which reads them in parallel). Ids added during the walk
 * with a smaller id are not read here; the reader replays their changes from the change log.
 */
async function walkIndex(
  c: ReadContext,
  index: string,
  onChunks: (chunks: string[][]) => Promise<void>,
): Promise<void> {
  const span = PAGE * IN_FLIGHT;
  for (let after: string | null = null, more = true; more;) {
    const from: string = after === null ? '-' : `(${after}`;
    const ids = await c.d.redis.zrangebylex(index, from, '+', 'LIMIT', 0, span);
    [after, more] = [ids.at(-1) ?? null, ids.length === span];
    await onChunks(chunk(ids, PAGE));
    c.p.done += ids.length;
    await c.out.settle();
    await c.progress(c.p);
  }
}

const chunk = <T>(xs: readonly T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, j) => xs.slice(j * n, (j + 1) * n));

/** Every stored record of `entity`, in id order, to `fn` (read lean, in parallel pages). */
async function eachRecord(
  c: ReadContext,
  entity: string,
  fn: (r: StoredRecord) => void,
): Promise<void> {
  c.p.phase = `reading ${entity}`;
  await walkIndex(c, c.d.k.recordIds(c.tenantId, entity), async (chunks) => {
    const pages = await Promise.all(
      chunks.map((ids) => c.d.records.getMany(c.tenantId, entity, ids, { lean: true })),
    );
    for (const page of pages) for (const r of page) if (r) fn(r);
  });
}

/** The touches of leads and touchpoints, per customer. */
function touchesByCustomer(leads: LeadInput[], tps: TouchpointInput[]): Map<string, Touch[]> {
  const touches = new Map<string, Touch[]>();
  for (const t of buildTouches(leads, tps))
    (touches.get(t.customerId) ?? touches.set(t.customerId, []).get(t.customerId)!).push(t);
  return touches;
}

/** Every stored sale. */
async function readSales(c: ReadContext): Promise<SaleInput[]> {
  const sales: SaleInput[] = [];
  await eachRecord(c, 'sale', (r) => {
    const s = saleInput(r);
    if (s) sales.push(s);
  });
  return sales;
}

/**
 * From every record (the slower path: a first run, a lost feed position, or on request): reads
 * sales, then leads, touchpoints and spend; sales kept, leads and spend counted into the base
 * rollups, and every "seen" entry staged as it is read. No lead or touchpoint is kept: the
 * buyers' touches are read again, a round at a time (`attributeRounds`), so the recompute never
 * holds every buyer's records at once.
 */
export async function readRecords(c: ReadContext, rollups: RollupBuilder): Promise<SaleInput[]> {
  const tz = c.settings.timeZone;
  const each = (entity: string, fn: (r: StoredRecord) => void) =>
    eachRecord(c, entity, (r) => {
      fn(r);
      const s = seenOf(r, tz);
      if (s) c.out.set(KEY.seen, `${entity}:${r.id}`, encodeSeen(s));
    });
  const sales = await readSales(c);
  await each('lead', (r) => {
    const l = leadInput(r);
    if (l) rollups.addLead(l);
  });
  await each('touchpoint', () => undefined);
  await each('spend', (r) => {
    const s = spendInput(r);
    if (s) rollups.addSpend(s);
  });
  return sales;
}

/**
 * Every sale of the live generation without a compact copy (the first recompute after the
 * compact copy came in, packed.ts); `attributeRounds` then reads the buyers' timelines. No other
 * record is read: settings never change anyone's touches.
 */
export const readFromSeen = (c: ReadContext): Promise<SaleInput[]> => readSales(c);

/**
 * Attributes `sales` (to `record`) in rounds of SALES_PER_ROUND sales, sorted by customer so a
 * customer's sales share a round: each round reads its customers' timelines (`readTimelines`),
 * the next round's read sent while this one is attributed, and stages the compact copy
 * (packed.ts) of what it read: each sale's input and each customer's touches (none is `[]`).
 * Only two rounds' touches are held. Returns the number of sales.
 */
export async function attributeRounds(
  c: ReadContext,
  all: readonly SaleInput[],
  record: (a: CoreAttribution) => Promise<void>,
): Promise<number> {
  const sales = [...all].sort((a, b) => cmp(a.customerId ?? '', b.customerId ?? ''));
  c.p.total += sales.length;
  c.p.phase = 'attributing';
  await c.progress(c.p);
  const round = (from: number) => {
    const some = sales.slice(from, from + SALES_PER_ROUND);
    const buyers = new Set(some.flatMap((s) => (s.customerId ? [s.customerId] : [])));
    const touches = readTimelines(c, buyers);
    // Awaited in its turn; a failure meanwhile must not count as unhandled.
    touches.catch(() => undefined);
    return { some, touches };
  };
  for (let from = 0, next = round(0); from < sales.length; from += SALES_PER_ROUND) {
    const { some, touches } = next;
    if (from + SALES_PER_ROUND < sales.length) next = round(from + SALES_PER_ROUND);
    const mine = await touches;
    for (const s of some) {
      const t = (s.customerId && mine.get(s.customerId)) || [];
      c.out.set(KEY.saleInputs, s.id, encodeSaleInput(s));
      if (s.customerId) c.out.set(KEY.timelines, s.customerId, encodeTouches(t));
      await record(attributeCore(s, t, c.settings));
    }
    c.p.done += some.length;
    await c.progress(c.p);
  }
  return sales.length;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The touches of `buyers`: their touch sets (pipelined; the access paths the record store keeps),
 * then the leads and touchpoints named.
 */
async function readTimelines(c: ReadContext, buyers: Set<string>): Promise<Map<string, Touch[]>> {
  const ids: Record<string, string[]> = { lead: [], touchpoint: [] };
  for (const some of chunk([...buyers], CUSTOMERS_PER_PIPELINE)) {
    const pipe = c.d.redis.pipeline();
    for (const id of some) pipe.zrange(c.d.k.customerTouches(c.tenantId, id), 0, -1);
    const replies = (await pipe.exec()) ?? [];
    throwFirst(replies);
    for (const [, members] of replies)
      for (const m of members as string[]) {
        const colon = m.indexOf(':');
        ids[m.slice(0, colon)]?.push(m.slice(colon + 1));
      }
  }
  const leads: LeadInput[] = [];
  const tps: TouchpointInput[] = [];
  // A record that moved to another customer since its set was read is left out unless that one
  // is in the same round (else it is read in the round of its customer, whose set names it; its
  // change is replayed by the reader either way).
  const mine = (r: StoredRecord) => !!r.customerId && buyers.has(r.customerId);
  for (const [entity, list] of Object.entries(ids))
    for (const some of chunk(list, PAGE * IN_FLIGHT)) {
      const pages = await Promise.all(
        chunk(some, PAGE).map((x) => c.d.records.getMany(c.tenantId, entity, x, { lean: true })),
      );
      for (const r of pages.flat()) {
        if (!r || !mine(r)) continue;
        if (entity === 'lead') {
          const l = leadInput(r);
          if (l) leads.push(l);
        } else {
          const t = touchpointInput(r);
          if (t) tps.push(t);
        }
      }
    }
  return touchesByCustomer(leads, tps);
}

/**
 * Counts the copied "seen" entries of every lead and spend row into the base rollups (walking
 * their id indexes, so no entry is counted twice); a lead's entry whose date differs in the new
 * time zone is rewritten.
 */
export async function countSeen(
  c: ReadContext,
  rollups: RollupBuilder,
  fromZone: string,
): Promise<void> {
  const seenKey = c.out.keys.list[KEY.seen]!;
  const tz = c.settings.timeZone;
  for (const entity of ['lead', 'spend'] as const) {
    c.p.phase = `counting ${entity}`;
    await walkIndex(c, c.d.k.recordIds(c.tenantId, entity), async (chunks) => {
      const pages = await Promise.all(
        chunks.map((ids) => c.d.redis.hmget(seenKey, ...ids.map((id) => `${entity}:${id}`))),
      );
      pages.forEach((page, j) =>
        page.forEach((text, i) => {
          const s = decodeSeen(text);
          if (!s) return;
          if (entity === 'spend') return rollups.addBase(s.field, BigInt(s.amount), 0);
          const field = fromZone === tz ? s.field : withDate(s.field, tenantDate(s.t, tz));
          if (field !== s.field)
            c.out.set(KEY.seen, `lead:${chunks[j]![i]}`, encodeSeen({ ...s, field }));
          rollups.addBase(field, 0n, s.amount);
        }),
      );
    });
  }
}
