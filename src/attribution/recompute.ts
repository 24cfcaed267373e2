import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import type { SettingsStore } from '../tenants/settings-store.ts';
import { attributeSale } from './attribute.ts';
import { leadInput, saleInput, spendInput, touchpointInput } from './inputs.ts';
import { encodeSums, RollupBuilder, splitField } from './rollups.ts';
import { encodeSeen, seenOf } from './seen.ts';
import {
  encodeAttribution,
  GEN_FIELD,
  KEY,
  newState,
  POSITION_FIELD,
  StateKeys,
  STATE_FIELD,
} from './state.ts';
import { buildTouches } from './touches.ts';
import {
  MODELS,
  type LeadInput,
  type Model,
  type SaleInput,
  type Touch,
  type TouchpointInput,
} from './types.ts';

/** Records per HMGET while reading, and HMGETs in flight at once. */
const PAGE = 1000;
const IN_FLIGHT = 4;
/** Fields per HSET into the staging hashes. */
const HSET_CHUNK = 1000;
/** Hashes of a recompute that died expire after this (seconds). */
const STAGING_TTL_S = 86_400;
/**
 * The generation a recompute replaced expires after this (seconds): a report or explanation that
 * read the old generation's name just before the swap still finds its hashes.
 */
const RETIRED_TTL_S = 60;

/** Where a full recompute stands: what the CLI, the API and the job's progress show. */
export interface RecomputeProgress {
  state: 'running' | 'done' | 'failed';
  /** `reading <entity>`, `attributing`, `writing`, or `done`. */
  phase: string;
  /** Records read so far, of `total` (leads, touchpoints, sales and spend rows). */
  done: number;
  total: number;
  /** Sales attributed (when done). */
  sales?: number;
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

const ENTITIES = ['sale', 'lead', 'touchpoint', 'spend'] as const;
type Progress = (p: RecomputeProgress) => Promise<void>;

/**
 * The new generation's hashes, written as they are computed (expiring unless swapped in), so the
 * recompute never holds them all in memory.
 */
class Staging {
  private readonly pending = new Map<number, string[]>();
  private inFlight: Promise<unknown>[] = [];
  /** Indexes (into `keys.list`) of the hashes with at least one field. */
  readonly written = new Set<number>();
  readonly keys: StateKeys;

  constructor(
    private readonly redis: Redis,
    k: Keys,
    tenantId: string,
  ) {
    this.keys = new StateKeys(k, tenantId, randomUUID());
  }

  set(i: number, field: string, value: string): void {
    let list = this.pending.get(i);
    if (!list) this.pending.set(i, (list = []));
    list.push(field, value);
    if (list.length >= 2 * HSET_CHUNK) this.send(i);
  }

  private send(i: number): void {
    const list = this.pending.get(i);
    if (!list?.length) return;
    this.pending.set(i, []);
    this.written.add(i);
    const key = this.keys.list[i]!;
    this.pipe ??= this.redis.pipeline();
    this.pipe.hset(key, ...list).expire(key, STAGING_TTL_S);
    this.piped += list.length;
    if (this.piped >= 16 * HSET_CHUNK) this.ship();
  }

  /** The pipeline being filled (many small day hashes share one) and its size in fields × 2. */
  private pipe: ReturnType<Redis['pipeline']> | null = null;
  private piped = 0;

  private ship(): void {
    if (!this.pipe) return;
    this.inFlight.push(this.pipe.exec().then(throwFirst));
    this.pipe = null;
    this.piped = 0;
  }

  /** Waits for every write sent so far (call once per page, so writes never pile up). */
  async settle(): Promise<void> {
    this.ship();
    const all = this.inFlight;
    this.inFlight = [];
    await Promise.all(all);
  }

  /** Sends what is left and waits for it. */
  async flush(): Promise<void> {
    for (const i of this.pending.keys()) this.send(i);
    await this.settle();
  }

  /** Deletes what was written (a recompute that failed). */
  async discard(): Promise<void> {
    await this.settle().catch(() => undefined);
    const keys = [...this.written].map((i) => this.keys.list[i]!);
    if (keys.length) await this.redis.unlink(...keys);
  }
}

function throwFirst(replies: [Error | null, unknown][] | null): void {
  for (const [err] of replies ?? []) if (err) throw err;
}

/**
 * Full recompute from the stored records (a settings change, a lost feed position, or on
 * request): every sale re-attributed, every rollup and "seen" entry rewritten, a new state
 * generation, and the incremental reader put back to where the change log stood when the
 * recompute began. The new hashes are built beside the live ones and swapped in with the state
 * and position in one MULTI, so a report never sees half of it and the changes made while it
 * read are handled again by the reader (idempotently). `progress` is told after every few pages.
 *
 * It keeps in memory only the sales, the touches of customers with a sale, and the rollups:
 * records are read in id order, several pages at a time; every lead and spend row is counted on
 * the way, and every lead's and touchpoint's "seen" entry is written as it is read.
 */
export async function recomputeAll(
  d: RecomputeDeps,
  tenantId: string,
  progress: Progress = async () => undefined,
): Promise<number> {
  const settings = await d.settings.get(tenantId);
  const logAt = (await d.records.lastChangeId(tenantId)) ?? '0-0';
  const counts = await Promise.all(ENTITIES.map((e) => d.redis.zcard(d.k.recordIds(tenantId, e))));
  const p: RecomputeProgress = {
    state: 'running',
    phase: 'reading sale',
    done: 0,
    total: counts.reduce((a, b) => a + b, 0),
    startedAt: new Date().toISOString(),
  };
  const out = new Staging(d.redis, d.k, tenantId);
  try {
    const read = readInputs(d, tenantId, settings, out, p, progress);
    const { sales, touches, rollups } = await read();
    p.phase = 'attributing';
    await progress(p);
    for (const s of sales) {
      const a = attributeSale(s, (s.customerId && touches.get(s.customerId)) || [], settings);
      rollups.addSale(a);
      out.set(KEY.sales, a.saleId, encodeAttribution(a));
      if (a.dealNumber) out.set(KEY.deals, a.dealNumber, a.saleId);
    }
    p.phase = 'writing';
    await progress(p);
    writeRollups(out, rollups);
    await out.flush();
    const old = await swap(d.redis, out, settings, logAt);
    await retire(d, tenantId, old);
    return sales.length;
  } catch (err) {
    await out.discard().catch(() => undefined);
    throw err;
  }
}

/** What the reading phase keeps. */
interface Inputs {
  sales: SaleInput[];
  /** Touches per customer with a sale. */
  touches: Map<string, Touch[]>;
  rollups: RollupBuilder;
}

/**
 * Reads sales, then leads, touchpoints and spend: sales kept, leads and spend counted into the
 * base rollups, the leads and touchpoints of customers with a sale kept for their touches, and
 * every "seen" entry staged.
 */
function readInputs(
  d: RecomputeDeps,
  tenantId: string,
  settings: TenantSettings,
  out: Staging,
  p: RecomputeProgress,
  progress: Progress,
): () => Promise<Inputs> {
  const tz = settings.timeZone;
  const rollups = new RollupBuilder(tz);
  // A walk of the id index in id order, IN_FLIGHT pages at a time: records created during it
  // with a smaller id are not read here, and are replayed from the change log by the reader.
  const each = async (entity: string, fn: (r: StoredRecord) => void) => {
    p.phase = `reading ${entity}`;
    const index = d.k.recordIds(tenantId, entity);
    const span = PAGE * IN_FLIGHT;
    for (let after: string | null = null, more = true; more;) {
      const from: string = after === null ? '-' : `(${after}`;
      const ids = await d.redis.zrangebylex(index, from, '+', 'LIMIT', 0, span);
      [after, more] = [ids.at(-1) ?? null, ids.length === span];
      const pages = await Promise.all(
        Array.from({ length: IN_FLIGHT }, (_, j) => ids.slice(j * PAGE, (j + 1) * PAGE))
          .filter((chunk) => chunk.length)
          .map((chunk) => d.records.getMany(tenantId, entity, chunk, { lean: true })),
      );
      for (const page of pages)
        for (const r of page) {
          if (!r) continue;
          fn(r);
          const s = seenOf(r, tz);
          if (s) out.set(KEY.seen, `${entity}:${r.id}`, encodeSeen(s));
        }
      p.done += ids.length;
      await out.settle();
      await progress(p);
    }
  };
  return async () => {
    const sales: SaleInput[] = [];
    await each('sale', (r) => {
      const s = saleInput(r);
      if (s) sales.push(s);
    });
    const buyers = new Set(sales.map((s) => s.customerId));
    const leads: LeadInput[] = [];
    const tps: TouchpointInput[] = [];
    await each('lead', (r) => {
      const l = leadInput(r);
      if (!l) return;
      rollups.addLead(l);
      if (l.customerId && buyers.has(l.customerId)) leads.push(l);
    });
    await each('touchpoint', (r) => {
      const t = r.customerId && buyers.has(r.customerId) ? touchpointInput(r) : null;
      if (t) tps.push(t);
    });
    await each('spend', (r) => {
      const s = spendInput(r);
      if (s) rollups.addSpend(s);
    });
    const touches = new Map<string, Touch[]>();
    for (const t of buildTouches(leads, tps))
      (touches.get(t.customerId) ?? touches.set(t.customerId, []).get(t.customerId)!).push(t);
    return { sales, touches, rollups };
  };
}

/** Stages the day hashes and the days index (a field that sums to nothing is not kept). */
function writeRollups(out: Staging, builder: RollupBuilder): void {
  const rollups = builder.result();
  const dates = new Set<string>();
  const put = (kind: Model | 'base', field: string, value: string) => {
    const [date, cell] = splitField(field);
    dates.add(date);
    out.set(out.keys.day(kind, date), cell, value);
  };
  for (const [f, v] of rollups.base)
    if (v.spendCents !== 0n || v.leads !== 0) put('base', f, `${v.spendCents};${v.leads}`);
  for (const m of MODELS) for (const [f, v] of rollups.byModel[m]) put(m, f, encodeSums(v));
  for (const date of dates) out.set(KEY.days, date, '1');
}

/**
 * Makes the staged generation the live one, with its state and the reader's position, in one
 * MULTI (its hashes made persistent). Returns the generation it replaced ('' when none).
 */
async function swap(
  redis: Redis,
  out: Staging,
  settings: TenantSettings,
  logAt: string,
): Promise<string> {
  const { list, gen } = out.keys;
  const tx = redis.multi().hget(list[KEY.meta]!, GEN_FIELD);
  for (const i of out.written) tx.persist(list[i]!);
  tx.hset(list[KEY.meta]!, STATE_FIELD, newState(settings, gen), GEN_FIELD, gen);
  tx.hset(list[KEY.positions]!, POSITION_FIELD, logAt);
  const replies = await tx.exec();
  throwFirst(replies);
  const old = replies?.[0]?.[1];
  return typeof old === 'string' ? old : '';
}

/**
 * Lets the replaced generation's hashes expire (no incremental write can land in them any more:
 * each checks the state, which the swap changed), and deletes the layout before generations.
 */
async function retire(d: RecomputeDeps, tenantId: string, gen: string): Promise<void> {
  const legacy = d.k.attrLegacy(tenantId, MODELS);
  const p = d.redis.pipeline().unlink(...legacy);
  if (gen) {
    const keys = new StateKeys(d.k, tenantId, gen);
    const dates = await d.redis.hkeys(keys.list[KEY.days]!);
    for (const date of dates) for (const kind of ['base', ...MODELS] as const) keys.day(kind, date);
    for (const key of keys.list.slice(KEY.sales)) p.expire(key, RETIRED_TTL_S);
  }
  throwFirst(await p.exec());
}
