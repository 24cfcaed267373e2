import type { Redis } from 'ioredis';

import { notFound } from '../errors/app-error.ts';
import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import type { SettingsStore } from '../tenants/settings-store.ts';
import { attributeSale, type SaleAttribution } from './attribute.ts';
import { leadInput, saleInput, spendInput, touchpointInput } from './inputs.ts';
import { renderReport, type GroupBy, type Report } from './report.ts';
import { buildRollups, cellsFromRollups, encodeSums } from './rollups.ts';
import { buildTouches } from './touches.ts';
import { MODELS, type Model, type Touch } from './types.ts';

const PAGE = 1000;

/**
 * Stored attribution of a tenant: per-sale attributions and rollups per day × channel × campaign
 * × model; reports and explanations read only these.
 */
export class AttributionStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    private readonly records: RecordStore,
    private readonly settings: SettingsStore,
  ) {}

  /**
   * Full recompute from the stored records (after a settings change, or to rebuild): every sale
   * re-attributed, every rollup rewritten in one MULTI so a report never sees half of it.
   * Returns the number of sales attributed.
   */
  async recompute(tenantId: string): Promise<number> {
    const settings = await this.settings.get(tenantId);
    const all = async <T>(entity: string, f: (r: StoredRecord) => T | null) => {
      const out: T[] = [];
      let after: string | null = null;
      do {
        const page = await this.records.walk(tenantId, entity, after, PAGE, { lean: true });
        for (const r of page.records) {
          const v = f(r);
          if (v) out.push(v);
        }
        after = page.last;
      } while (after);
      return out;
    };
    const leads = await all('lead', leadInput);
    const touches = buildTouches(leads, await all('touchpoint', touchpointInput));
    const byCustomer = new Map<string, Touch[]>();
    for (const t of touches)
      (byCustomer.get(t.customerId) ?? byCustomer.set(t.customerId, []).get(t.customerId)!).push(t);
    const sales = (await all('sale', saleInput)).map((s) =>
      attributeSale(s, s.customerId ? (byCustomer.get(s.customerId) ?? []) : [], settings),
    );
    const rollups = buildRollups(sales, leads, await all('spend', spendInput), settings.timeZone);
    const tx = this.redis.multi();
    const keysToReset = [
      this.k.attrSales(tenantId),
      this.k.attrDeals(tenantId),
      this.k.attrBase(tenantId),
      ...MODELS.map((m) => this.k.attrRollup(tenantId, m)),
    ];
    tx.del(...keysToReset);
    for (const s of sales) {
      tx.hset(this.k.attrSales(tenantId), s.saleId, JSON.stringify(s));
      if (s.dealNumber) tx.hset(this.k.attrDeals(tenantId), s.dealNumber, s.saleId);
    }
    for (const [f, v] of rollups.base)
      tx.hset(this.k.attrBase(tenantId), f, `${v.spendCents};${v.leads}`);
    for (const m of MODELS)
      for (const [f, v] of rollups.byModel[m])
        tx.hset(this.k.attrRollup(tenantId, m), f, encodeSums(v));
    await tx.exec();
    return sales.length;
  }

  /** The attribution report over `[from, to]` (tenant dates), read from the rollups. */
  async report(
    tenantId: string,
    q: { from: string; to: string; model: Model; groupBy: GroupBy },
  ): Promise<Report> {
    const [base, model] = await Promise.all([
      this.redis.hgetall(this.k.attrBase(tenantId)),
      this.redis.hgetall(this.k.attrRollup(tenantId, q.model)),
    ]);
    return renderReport(cellsFromRollups(base, model, q.from, q.to, q.groupBy), q);
  }

  /** One sale's stored attribution, by sale id or DMS deal number; not_found otherwise. */
  async explain(
    tenantId: string,
    ref: { saleId?: string; dealNumber?: string },
  ): Promise<SaleAttribution> {
    const id =
      ref.saleId ??
      (ref.dealNumber ? await this.redis.hget(this.k.attrDeals(tenantId), ref.dealNumber) : null);
    const text = id ? await this.redis.hget(this.k.attrSales(tenantId), id) : null;
    if (!text) throw notFound('sale attribution');
    return JSON.parse(text) as SaleAttribution;
  }
}
