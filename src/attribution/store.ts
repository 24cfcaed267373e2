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
import { cellsFromDays } from './rollups.ts';
import { GEN_FIELD } from './state.ts';
import { dateOfDay, dayNumber } from './dates.ts';
import { loadTimeline } from './timeline.ts';
import type { Model } from './types.ts';

/** Stands for the generation's name in the day keys a report script is given. */
const GEN_MARK = '\u0001';

/*
 * KEYS[1] attrMeta; ARGV[1] its generation field, ARGV[2] the day keys' part before the
 * generation, ARGV[3..] their parts after it. Returns { gen, HGETALL of each day key } ({} with no
 * generation). The day keys are the tenant's (same hash slot as KEYS[1]).
 */
const DAYS_SCRIPT = `
local gen = redis.call('HGET', KEYS[1], ARGV[1])
if not gen or gen == '' then return {} end
local out = { gen }
for i = 3, #ARGV do out[#out + 1] = redis.call('HGETALL', ARGV[2] .. gen .. ARGV[i]) end
return out
`;

type DaysRedis = Redis & {
  attrDays(numKeys: number, ...args: string[]): Promise<(string | string[])[]>;
};

/** A flat HGETALL reply as a record. */
function asHash(flat: string | string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/**
 * Stored attribution of a tenant: per-sale attributions and rollups per day × channel × campaign
 * × model, kept up to date by the change-feed reader (`catchUp`, run by the attribution jobs);
 * reports and explanations read only these and one customer's timeline.
 */
export class AttributionStore {
  /** The change-feed reader that keeps the stored attribution up to date. */
  readonly follower: AttributionFollower;

  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    private readonly records: RecordStore,
    private readonly settings: SettingsStore,
  ) {
    this.follower = new AttributionFollower(redis, k, records, settings);
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
   * trip: a script reads the live generation's name, then two small hashes per date (base and
   * the model's).
   */
  async report(
    tenantId: string,
    q: { from: string; to: string; model: Model; groupBy: GroupBy },
  ): Promise<Report> {
    const days: { base: Record<string, string>; model: Record<string, string> }[] = [];
    const first = dayNumber(q.from);
    const last = dayNumber(q.to);
    if (last >= first) {
      // Day keys around the generation's name (the script puts it in): `head <gen> tail`.
      const probe = (kind: string, date: string) => this.k.attrDay(tenantId, GEN_MARK, kind, date);
      const head = probe('base', q.from).split(GEN_MARK)[0]!;
      const tails: string[] = [];
      for (let day = first; day <= last; day++)
        for (const kind of ['base', q.model])
          tails.push(probe(kind, dateOfDay(day)).split(GEN_MARK)[1]!);
      if (!('attrDays' in this.redis)) this.redis.defineCommand('attrDays', { lua: DAYS_SCRIPT });
      const replies = await (this.redis as DaysRedis).attrDays(
        1,
        this.k.attrMeta(tenantId),
        GEN_FIELD,
        head,
        ...tails,
      );
      for (let i = 1; i < replies.length; i += 2)
        days.push({ base: asHash(replies[i]!), model: asHash(replies[i + 1]!) });
    }
    return renderReport(cellsFromDays(days, q.groupBy), q);
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
    const stored = JSON.parse(text) as SaleAttribution;
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
