import type { Redis } from 'ioredis';

import { notFound } from '../errors/app-error.ts';
import { AccessPaths } from '../records/access-paths.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import type { SettingsStore } from '../tenants/settings-store.ts';
import { attributeSale, type SaleAttribution } from './attribute.ts';
import { AttributionFollower, type CatchUp } from './follow.ts';
import { saleInput } from './inputs.ts';
import type { RecomputeOptions, RecomputeProgress } from './recompute.ts';
import { renderReport, type GroupBy, type Report } from './report.ts';
import { GEN_FIELD } from './state.ts';
import { decodeAttribution } from './stored-attribution.ts';
import { DayReader } from './day-reader.ts';
import { loadTimeline } from './timeline.ts';
import type { Model } from './types.ts';

/**
 * Stored attribution of a tenant: per-sale attributions and rollups per day × channel × campaign
 * × model, kept up to date by the change-feed reader (`catchUp`, run by the attribution jobs);
 * reports and explanations read only these and one customer's timeline.
 */
export class AttributionStore {
  /** The change-feed reader that keeps the stored attribution up to date. */
  readonly follower: AttributionFollower;
  /** Reads and keeps parsed day hashes for reports. */
  private readonly days: DayReader;

  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    private readonly records: RecordStore,
    private readonly settings: SettingsStore,
  ) {
    this.follower = new AttributionFollower(redis, k, records, settings);
    this.days = new DayReader(redis, k);
  }

  /**
   * Full recompute, now, in this process (the jobs do it on their own after a settings change):
   * every sale re-attributed, every rollup rewritten in one MULTI so a report never sees half of
   * it. From the live generation's "seen" entries when it can, else (or with `fromRecords`) from
   * every stored record (src/attribution/recompute.ts). Returns the number of sales attributed.
   */
  async recompute(
    tenantId: string,
    onProgress?: (p: RecomputeProgress) => Promise<void>,
    opts: RecomputeOptions = {},
  ): Promise<number> {
    return this.follower.recompute(tenantId, onProgress, undefined, opts);
  }

  /** Reads the change feed to its end, re-attributing the sales the changes concern. */
  async catchUp(tenantId: string): Promise<CatchUp> {
    return this.follower.catchUp(tenantId);
  }

  /**
   * The attribution report over `[from, to]` (tenant dates), read from the rollups in one round
   * trip: a script reads the live generation's name, then each date's version and, unless this
   * process holds that version parsed, its base and model hashes (day-reader.ts).
   */
  async report(
    tenantId: string,
    q: { from: string; to: string; model: Model; groupBy: GroupBy },
  ): Promise<Report> {
    return renderReport(await this.days.cells(tenantId, q), q);
  }

  /** The live generation of the tenant's attribution ('' before the first recompute). */
  private async generation(tenantId: string): Promise<string> {
    return (await this.redis.hget(this.k.attrMeta(tenantId), GEN_FIELD)) ?? '';
  }

  /** A sale's stored attribution as stored (JSON), or null. */
  async stored(tenantId: string, saleId: string): Promise<string | null> {
    const gen = await this.generation(tenantId);
    return gen ? this.redis.hget(this.k.attrGen(tenantId, gen, 'sales'), saleId) : null;
  }

  /** How many sales have a stored attribution. */
  async storedCount(tenantId: string): Promise<number> {
    const gen = await this.generation(tenantId);
    return gen ? this.redis.hlen(this.k.attrGen(tenantId, gen, 'sales')) : 0;
  }

  /**
   * One sale's stored attribution, by sale id or DMS deal number (not_found otherwise), with the
   * customer's touches left out of its window and why, worked out from the customer's timeline
   * now (they do not change what the sale credits, so they are not stored).
   */
  async explain(
    tenantId: string,
    ref: { saleId?: string; dealNumber?: string },
  ): Promise<SaleAttribution> {
    const gen = await this.generation(tenantId);
    const deals = this.k.attrGen(tenantId, gen, 'deals');
    const id =
      ref.saleId ?? (ref.dealNumber && gen ? await this.redis.hget(deals, ref.dealNumber) : null);
    const text = id ? await this.stored(tenantId, id) : null;
    if (!text) throw notFound('sale attribution');
    const stored = decodeAttribution(text);
    const sale = await this.records.get(tenantId, 'sale', stored.saleId);
    const input = sale && saleInput(sale);
    if (!input?.customerId) return stored;
    const [tl, settings] = await Promise.all([
      loadTimeline(new AccessPaths(this.redis, this.k), this.records, tenantId, input.customerId),
      this.settings.get(tenantId),
    ]);
    return { ...stored, leftOut: attributeSale(input, tl.touches, settings).leftOut };
  }
}
