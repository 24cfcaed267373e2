import type { Redis } from 'ioredis';

import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import type { SettingsStore } from '../tenants/settings-store.ts';
import { attributeSale } from './attribute.ts';
import { leadInput, saleInput, spendInput, touchpointInput } from './inputs.ts';
import { buildRollups, encodeSums } from './rollups.ts';
import { encodeSeen, seenOf } from './seen.ts';
import {
  encodeAttribution,
  KEY,
  newState,
  POSITION_FIELD,
  stateKeys,
  STATE_FIELD,
} from './state.ts';
import { buildTouches } from './touches.ts';
import { MODELS, type Touch } from './types.ts';

const PAGE = 1000;
/** Fields per HSET inside the swap transaction. */
const HSET_CHUNK = 1000;

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

const ENTITIES = ['lead', 'touchpoint', 'sale', 'spend'] as const;

/**
 * Full recompute from the stored records (a settings change, a lost feed position, or on
 * request): every sale re-attributed, every rollup and "seen" entry rewritten, a new state
 * generation, and the incremental reader put back to where the change log stood when the
 * recompute began, all in one MULTI, so a report never sees half of it and the changes made while
 * it read are handled again by the reader (idempotently). `progress` is told after every page.
 */
export async function recomputeAll(
  d: RecomputeDeps,
  tenantId: string,
  progress: (p: RecomputeProgress) => Promise<void> = async () => undefined,
): Promise<number> {
  const settings = await d.settings.get(tenantId);
  const logAt = (await d.records.lastChangeId(tenantId)) ?? '0-0';
  const counts = await Promise.all(ENTITIES.map((e) => d.redis.zcard(d.k.recordIds(tenantId, e))));
  const p: RecomputeProgress = {
    state: 'running',
    phase: 'reading lead',
    done: 0,
    total: counts.reduce((a, b) => a + b, 0),
    startedAt: new Date().toISOString(),
  };
  const seen: [string, string][] = [];
  const all = async <T>(entity: string, f: (r: StoredRecord) => T | null) => {
    const out: T[] = [];
    let after: string | null = null;
    p.phase = `reading ${entity}`;
    do {
      const page = await d.records.walk(tenantId, entity, after, PAGE, { lean: true });
      for (const r of page.records) {
        const v = f(r);
        if (v) out.push(v);
        const s = seenOf(r, settings.timeZone);
        if (s) seen.push([`${entity}:${r.id}`, encodeSeen(s)]);
      }
      p.done += page.records.length;
      await progress(p);
      after = page.last;
    } while (after);
    return out;
  };
  const leads = await all('lead', leadInput);
  const touches = buildTouches(leads, await all('touchpoint', touchpointInput));
  const saleInputs = await all('sale', saleInput);
  const spend = await all('spend', spendInput);
  p.phase = 'attributing';
  await progress(p);
  const byCustomer = new Map<string, Touch[]>();
  for (const t of touches)
    (byCustomer.get(t.customerId) ?? byCustomer.set(t.customerId, []).get(t.customerId)!).push(t);
  const sales = saleInputs.map((s) =>
    attributeSale(s, s.customerId ? (byCustomer.get(s.customerId) ?? []) : [], settings),
  );
  const rollups = buildRollups(sales, leads, spend, settings.timeZone);
  p.phase = 'writing';
  await progress(p);
  const keys = stateKeys(d.k, tenantId);
  const tx = d.redis.multi();
  tx.del(...keys.filter((_, i) => i !== KEY.meta && i !== KEY.positions));
  const hset = (key: string, pairs: [string, string][]) => {
    for (let i = 0; i < pairs.length; i += HSET_CHUNK)
      tx.hset(key, Object.fromEntries(pairs.slice(i, i + HSET_CHUNK)));
  };
  hset(
    keys[KEY.sales]!,
    sales.map((s) => [s.saleId, encodeAttribution(s)]),
  );
  hset(
    keys[KEY.deals]!,
    sales.filter((s) => s.dealNumber).map((s) => [s.dealNumber, s.saleId]),
  );
  hset(
    keys[KEY.base]!,
    // A field that sums to nothing is not kept (the incremental path removes such fields too).
    [...rollups.base]
      .filter(([, v]) => v.spendCents !== 0n || v.leads !== 0)
      .map(([f, v]) => [f, `${v.spendCents};${v.leads}`]),
  );
  for (const m of MODELS)
    hset(
      keys[KEY.rollup(m)]!,
      [...rollups.byModel[m]].map(([f, v]) => [f, encodeSums(v)]),
    );
  hset(keys[KEY.seen]!, seen);
  tx.hset(keys[KEY.meta]!, STATE_FIELD, newState(settings));
  tx.hset(keys[KEY.positions]!, POSITION_FIELD, logAt);
  await tx.exec();
  return sales.length;
}
