import type { Redis } from 'ioredis';

import { GEN_FIELD, KEY, StateKeys } from '../../src/attribution/state.ts';
import { MODELS, type SaleInput } from '../../src/attribution/types.ts';
import { flatten } from '../../src/records/flat.ts';
import type { Hub } from '../../src/hub.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import type { Keys } from '../../src/store/keys.ts';

/** A canonical record of `entity` for `customerId` (high confidence unless `medium`). */
export function rec(
  entity: string,
  id: string,
  body: Record<string, unknown>,
  customerId?: string,
  conf: 'high' | 'medium' = 'high',
): StoredRecord {
  return {
    id,
    entity,
    v: 0,
    ...(customerId
      ? { customerId, matchKey: conf === 'high' ? 'email' : 'namePostal', matchConfidence: conf }
      : {}),
    f: flatten(body),
    m: {},
  };
}

/** A lead of `customerId` created at `createdAt`, in CRM stage `stage`: what the funnel counts. */
export const stageLead = (id: string, customerId: string, createdAt: string, stage = 'new') =>
  rec('lead', id, { createdAt, stage }, customerId);

/** Customer c1's Meta lead of 2026-03-03 (campaign m1), the first touch of the small worlds here. */
export const metaLeadL1 = (): StoredRecord =>
  rec('lead', 'l1', { createdAt: '2026-03-03T16:00:00Z', source: 'meta', campaignId: 'm1' }, 'c1');

/** Customer c1's sale s1 on 2026-03-17 (deal D-1 unless named). */
export const saleS1 = (dealNumber = 'D-1', price = 2_100_000, totalGross = 350_001): StoredRecord =>
  rec('sale', 's1', { dealNumber, saleDate: '2026-03-17', price, totalGross }, 'c1');

/** A spend record: `amount` integer cents of `channel`'s campaign `campaignId` on `date` (YYYY-MM-DD). */
export const spendRow = (
  id: string,
  date: string,
  channel: string,
  campaignId: string,
  amount: number,
): StoredRecord => rec('spend', id, { date, channel, campaignId, amount });

/** Writes records as they are now (creating or replacing each, at its current version). */
export async function put(
  records: RecordStore,
  tenantId: string,
  recs: readonly StoredRecord[],
): Promise<void> {
  for (const r of recs) {
    const cur = await records.get(tenantId, r.entity, r.id);
    const lost = await records.writeMany(tenantId, [
      {
        record: { ...r, f: { ...r.f } },
        expected: cur?.v ?? 0,
        sourceConnectionId: 'test',
        changed: [],
      },
    ]);
    if (lost.length) throw new Error(`lost a write race on ${r.entity}:${r.id}`);
  }
}

/** What one store of a group is seeded with: its time zone, settings and records. */
export interface StoreSeed {
  timezone: string;
  settings: Record<string, unknown>;
  records: readonly StoredRecord[];
}

/**
 * Creates each store (a tenant with its time zone), updates its settings and writes its records;
 * with `recompute`, recomputes its attribution from them.
 */
export async function seedStores<S extends { id: string; name: string }>(
  hub: Hub,
  stores: readonly S[],
  seed: (store: S, index: number) => StoreSeed,
  opts: { recompute?: boolean } = {},
): Promise<void> {
  const records = new RecordStore(hub.redis, hub.keys);
  for (const [i, s] of stores.entries()) {
    const { timezone, settings, records: recs } = seed(s, i);
    await hub.tenants.create({ id: s.id, name: s.name, timezone });
    await hub.settings.update(s.id, settings);
    await put(records, s.id, recs);
    if (opts.recompute) await hub.attribution.recompute(s.id);
  }
}

/**
 * Everything attribution stores that a report or explain reads (sales, deals, rollups, base,
 * seen) and the compact copy a recompute reads, to compare an incremental state with a full recompute's.
 */
export async function attributionSnapshot(
  redis: Redis,
  k: Keys,
  tenantId: string,
): Promise<Record<string, Record<string, string>>> {
  const gen = (await redis.hget(k.attrMeta(tenantId), GEN_FIELD)) ?? '';
  const keys = new StateKeys(k, tenantId, gen);
  const out: Record<string, Record<string, string>> = {};
  for (const part of ['sales', 'deals', 'seen', 'saleInputs'] as const)
    out[part] = await redis.hgetall(keys.list[KEY[part]]!);
  // The compact timelines of customers with a sale (one that lost its sales may keep a stale
  // entry, which no recompute reads).
  const buyers = new Set(
    Object.values(out.saleInputs!).map((text) => (JSON.parse(text) as unknown[])[3]),
  );
  const timelines = await redis.hgetall(keys.list[KEY.timelines]!);
  out.timelines = Object.fromEntries(Object.entries(timelines).filter(([c]) => buyers.has(c)));
  // Day hashes by kind and date; the days index itself may name dates whose sums came to zero.
  for (const date of (await redis.hkeys(keys.list[KEY.days]!)).sort())
    for (const kind of ['base', ...MODELS] as const) {
      const h = await redis.hgetall(keys.list[keys.day(kind, date)]!);
      if (Object.keys(h).length) out[`${kind}:${date}`] = h;
    }
  return out;
}

/** An attribution input of sale s1 (customer c1, matched by email) on 2026-03-31. */
export const saleInput = (over: Partial<SaleInput> = {}): SaleInput => ({
  id: 's1',
  dealNumber: 'D1',
  saleDate: '2026-03-31',
  customerId: 'c1',
  matchKey: 'email',
  matchConfidence: 'high',
  priceCents: 3_000_000,
  grossCents: 250_000,
  ...over,
});
