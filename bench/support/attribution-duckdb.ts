/**
 * The attribution bench's peer: DuckDB computing the same attribution and report in SQL over the
 * same records (exported from the record store into four tables). Credits of last, first, linear
 * and position-based touch are exact (HUGEINT numerators over one common denominator L), so their
 * money is rounded once, half away from zero, like ours; time decay is DOUBLE (2^x has no exact
 * SQL form), which agrees to the cent unless a sum falls within float error of a half cent.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

import type { StoredRecord } from '../../src/records/merge.ts';
import type { TenantSettings } from '../../src/tenants/settings.ts';
import { MODELS, type Model } from '../../src/attribution/types.ts';

type Settings = Pick<
  TenantSettings,
  'timeZone' | 'lookbackDays' | 'halfLifeDays' | 'minMatchConfidence'
>;

/** One report row as both sides are compared: money in cents, sold in millionths. */
export interface PeerRow {
  channel: string;
  campaignId: string;
  spendCents: bigint;
  leads: number;
  soldMicros: bigint;
  grossCents: bigint;
  revenueCents: bigint;
}

const TABLES = {
  leads:
    'id VARCHAR, customer_id VARCHAR, created_ms BIGINT, channel VARCHAR, campaign_id VARCHAR, gclid VARCHAR',
  touchpoints:
    'id VARCHAR, customer_id VARCHAR, type VARCHAR, occurred_ms BIGINT, channel VARCHAR, campaign_id VARCHAR, lead_id VARCHAR, gclid VARCHAR',
  sales:
    'id VARCHAR, customer_id VARCHAR, sale_date DATE, conf VARCHAR, price BIGINT, gross BIGINT',
  spend: 'day DATE, channel VARCHAR, campaign_id VARCHAR, amount BIGINT',
} as const;

const s = (v: unknown) => (typeof v === 'string' && v ? v : null);
const n = (v: unknown) => (typeof v === 'number' ? v : 0);
const ms = (v: unknown) => Date.parse(String(v));

/** A stored record as a row of its table (the fields attribution reads; see inputs.ts). */
function row(entity: keyof typeof TABLES, r: StoredRecord): unknown[] {
  const f = r.f;
  const c = r.customerId ?? null;
  switch (entity) {
    case 'leads':
      return [
        r.id,
        c,
        ms(f.createdAt),
        s(f.source) ?? 'other',
        s(f.campaignId) ?? '',
        s(f['clickIds.gclid']),
      ];
    case 'touchpoints':
      return [
        r.id,
        c,
        s(f.type) ?? '',
        ms(f.occurredAt),
        s(f.channel) ?? 'other',
        s(f.campaignId) ?? '',
        s(f.leadId),
        s(f['clickIds.gclid']),
      ];
    case 'sales':
      return [
        r.id,
        c,
        f.saleDate,
        r.matchConfidence ?? null,
        n(f.price),
        typeof f.totalGross === 'number' ? f.totalGross : n(f.frontGross) + n(f.backGross),
      ];
    case 'spend':
      return [f.date, s(f.channel) ?? 'other', s(f.campaignId) ?? '', n(f.amount)];
  }
}

/** DuckDB with the tenant's records loaded. */
export class DuckPeer {
  private constructor(
    private readonly c: DuckDBConnection,
    private readonly settings: Settings,
  ) {}

  /** Opens an in-memory DuckDB and creates the tables. */
  static async open(settings: Settings): Promise<DuckPeer> {
    const db = await DuckDBInstance.create(':memory:', { threads: '2' });
    const c = await db.connect();
    for (const [name, cols] of Object.entries(TABLES))
      await c.run(`CREATE TABLE ${name} (${cols})`);
    return new DuckPeer(c, settings);
  }

  /** Appends stored records of one entity to its table. */
  async load(entity: keyof typeof TABLES, records: readonly StoredRecord[]): Promise<void> {
    const a = await this.c.createAppender(entity);
    for (const r of records) {
      for (const v of row(entity, r)) {
        if (v === null) a.appendNull();
        else if (typeof v === 'number') a.appendBigInt(BigInt(v));
        else a.appendVarchar(String(v));
      }
      a.endRow();
    }
    a.closeSync();
  }

  private tz(expr: string): string {
    return `CAST(timezone('${this.settings.timeZone}', to_timestamp(${expr} / 1000.0)) AS DATE)`;
  }

  /**
   * The full recompute: every sale's touches and credits under the five models, and rollups per
   * sale day × channel × campaign (credit numerators over L), plus leads and spend per day.
   */
  async recompute(): Promise<void> {
    const { lookbackDays, halfLifeDays, minMatchConfidence } = this.settings;
    await this.c.run(`CREATE OR REPLACE TABLE touch AS
      SELECT customer_id, created_ms AS t, 'lead:' || id AS tid, channel, campaign_id, ${this.tz('created_ms')} AS day
        FROM leads WHERE customer_id IS NOT NULL
      UNION ALL
      SELECT tp.customer_id, tp.occurred_ms, 'touchpoint:' || tp.id, tp.channel, tp.campaign_id, ${this.tz('tp.occurred_ms')}
        FROM touchpoints tp
       WHERE tp.customer_id IS NOT NULL AND tp.type IN ('ad_click', 'form_fill', 'email_click')
         AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.customer_id = tp.customer_id AND l.id = tp.lead_id)
         AND NOT (tp.type = 'ad_click' AND tp.gclid IS NOT NULL AND EXISTS
              (SELECT 1 FROM leads l WHERE l.customer_id = tp.customer_id AND l.gclid = tp.gclid))`);
    await this.c.run(`CREATE OR REPLACE TABLE win AS
      WITH w AS (
        SELECT s.id AS sale_id, s.sale_date, s.price, s.gross, t.channel, t.campaign_id, t.t, t.tid,
               (s.sale_date - t.day) AS delta
          FROM sales s JOIN touch t ON t.customer_id = s.customer_id
         WHERE ('${minMatchConfidence}' = 'medium' OR s.conf = 'high')
           AND t.day <= s.sale_date AND t.day >= s.sale_date - ${lookbackDays}
      )
      SELECT *, row_number() OVER (PARTITION BY sale_id ORDER BY t, tid) AS rk,
             count(*) OVER (PARTITION BY sale_id) AS n,
             pow(2.0, (max(delta) OVER (PARTITION BY sale_id) - delta) / ${halfLifeDays}.0) AS wt
        FROM w`);
    const L = await this.commonDenominator();
    const credit: Record<Model, string> = {
      last_touch: `CASE WHEN rk = n THEN ${L} ELSE 0 END`,
      first_touch: `CASE WHEN rk = 1 THEN ${L} ELSE 0 END`,
      linear: `${L} // n`,
      position_based: `CASE WHEN n = 1 THEN ${L} WHEN n = 2 THEN ${L} // 2 WHEN rk = 1 OR rk = n THEN 2 * ${L} // 5 ELSE ${L} // (5 * (n - 2)) END`,
      time_decay: `wt / sum(wt) OVER (PARTITION BY sale_id)`,
    };
    const cols = MODELS.map((m) => `${credit[m]} AS c_${m}`).join(', ');
    await this.c.run(
      `CREATE OR REPLACE TABLE credit AS SELECT sale_id, sale_date, price, gross, channel, campaign_id, ${cols} FROM win`,
    );
    const sums = MODELS.map((m) =>
      m === 'time_decay'
        ? `sum(c_${m}) AS s_${m}, sum(c_${m} * gross) AS g_${m}, sum(c_${m} * price) AS r_${m}`
        : `sum(c_${m}::HUGEINT) AS s_${m}, sum(c_${m}::HUGEINT * gross) AS g_${m}, sum(c_${m}::HUGEINT * price) AS r_${m}`,
    );
    await this.c.run(`CREATE OR REPLACE TABLE roll AS
      SELECT sale_date AS day, channel, campaign_id, ${sums.join(', ')} FROM credit GROUP BY ALL`);
    await this.c.run(`CREATE OR REPLACE TABLE unattr AS
      SELECT sale_date AS day, count(*) AS n, sum(gross) AS gross, sum(price) AS price
        FROM sales s WHERE NOT EXISTS (SELECT 1 FROM win w WHERE w.sale_id = s.id) GROUP BY ALL`);
    await this.c.run(`CREATE OR REPLACE TABLE base AS
      SELECT day, channel, campaign_id, sum(spend) AS spend, sum(leads) AS leads FROM (
        SELECT day, channel, campaign_id, amount AS spend, 0 AS leads FROM spend
        UNION ALL SELECT ${this.tz('created_ms')}, channel, campaign_id, 0, 1 FROM leads
      ) GROUP BY ALL`);
    this.L = L;
  }

  private L = '1';

  /** A multiple of every denominator the exact models use: 2, 5, each n and each 5 (n − 2). */
  private async commonDenominator(): Promise<string> {
    const r = await this.c.runAndReadAll('SELECT DISTINCT n FROM win');
    const ns = r.getRows().map(([x]) => BigInt(x as number | bigint));
    const gcd = (a: bigint, b: bigint): bigint => (b ? gcd(b, a % b) : a);
    let l = 10n;
    for (const k of ns) for (const d of k > 2n ? [k, 5n * (k - 2n)] : [k]) l = (l * d) / gcd(l, d);
    return `${l}::HUGEINT`;
  }

  /** The report over `[from, to]` for one model: rows, and the unattributed row last. */
  async report(model: Model, from: string, to: string): Promise<PeerRow[]> {
    const exact = model !== 'time_decay';
    const L = this.L;
    const half = (x: string, scale: string) =>
      exact ? `((2 * ${x} * ${scale} + ${L}) // (2 * ${L}))` : `round(${x} * ${scale})::HUGEINT`;
    const range = `day BETWEEN DATE '${from}' AND DATE '${to}'`;
    const r = await this.c.runAndReadAll(`
      WITH b AS (SELECT channel, campaign_id, sum(spend) AS spend, sum(leads) AS leads FROM base WHERE ${range} GROUP BY ALL),
           m AS (SELECT channel, campaign_id, sum(s_${model}) AS s, sum(g_${model}) AS g, sum(r_${model}) AS r FROM roll WHERE ${range} GROUP BY ALL)
      SELECT channel, campaign_id, coalesce(spend, 0)::HUGEINT, coalesce(leads, 0)::BIGINT,
             coalesce(${half('s', '1000000')}, 0), coalesce(${half('g', '1')}, 0), coalesce(${half('r', '1')}, 0)
        FROM b FULL JOIN m USING (channel, campaign_id)
       WHERE coalesce(spend, 0) <> 0 OR coalesce(leads, 0) <> 0 OR coalesce(s, 0) <> 0
      UNION ALL
      SELECT 'unattributed', '', 0, 0, coalesce(sum(n), 0)::HUGEINT * 1000000, coalesce(sum(gross), 0)::HUGEINT, coalesce(sum(price), 0)::HUGEINT
        FROM unattr WHERE ${range}`);
    return r.getRows().map(([channel, campaignId, spend, leads, sold, gross, revenue]) => ({
      channel: String(channel),
      campaignId: String(campaignId),
      spendCents: BigInt(spend as bigint),
      leads: Number(leads),
      soldMicros: BigInt(sold as bigint),
      grossCents: BigInt(gross as bigint),
      revenueCents: BigInt(revenue as bigint),
    }));
  }
}
