import type { Redis } from 'ioredis';

import { AppError } from '../errors/app-error.ts';
import { AccessPaths } from '../records/access-paths.ts';
import type { Keys } from '../store/keys.ts';
import type { SaleAttribution } from './attribute.ts';
import { contributions, UNATTRIBUTED } from './contributions.ts';
import { dateOfDay, dayNumber } from './dates.ts';
import { scaledToString } from './fraction.ts';
import type { Report } from './report.ts';
import type { AttributionStore } from './store.ts';
import type { Model } from './types.ts';

/** Sales explained at once while listing a campaign's sales. */
const EXPLAIN_AT_ONCE = 50;

/** A sale a campaign (or the unattributed row) was credited with, and what it got. */
export interface CampaignSale {
  saleId: string;
  dealNumber: string;
  saleDate: string;
  /** The campaign's credit for the sale, exact (`n/d`) and to 4 decimals. */
  creditExact: string;
  credit: string;
  /** credit × gross and credit × price, rounded once to cents. */
  gross: string;
  revenue: string;
  /** Why the sale is the customer's: the strongest key the buyer shares, and its confidence. */
  matchKey: SaleAttribution['matchKey'];
  matchConfidence: SaleAttribution['matchConfidence'];
}

/**
 * The sales of `[from, to]` that credit one report row under `model`: a (channel, campaign),
 * campaign `(none)` or empty for touches without one, or channel `unattributed`. Sales of the
 * range come from the by-date access path; each is read with `explain`.
 */
export async function campaignSales(
  redis: Redis,
  k: Keys,
  attribution: Pick<AttributionStore, 'explain'>,
  tenantId: string,
  q: { from: string; to: string; model: Model; channel: string; campaignId: string },
): Promise<CampaignSale[]> {
  const ids = await new AccessPaths(redis, k).idsOnDays(tenantId, 'sale', q.from, q.to, 'UTC');
  const sales: SaleAttribution[] = [];
  for (let i = 0; i < ids.length; i += EXPLAIN_AT_ONCE) {
    const part = await Promise.all(
      ids.slice(i, i + EXPLAIN_AT_ONCE).map((saleId) =>
        attribution.explain(tenantId, { saleId }).catch((err: unknown) => {
          if (err instanceof AppError && err.status === 404) return null; // not attributed yet (the follower is behind)
          throw err;
        }),
      ),
    );
    for (const s of part) if (s) sales.push(s);
  }
  const campaign = q.channel === UNATTRIBUTED || q.campaignId === '(none)' ? '' : q.campaignId;
  const out: CampaignSale[] = [];
  for (const s of sales) {
    const c = contributions(s, q.model).find(
      (x) => x.channel === q.channel && x.campaignId === campaign,
    );
    if (!c) continue;
    out.push({
      saleId: s.saleId,
      dealNumber: s.dealNumber,
      saleDate: s.saleDate,
      creditExact: c.sold.toString(),
      credit: c.sold.toFixed(4),
      gross: scaledToString(c.gross.roundScaled(0), 2),
      revenue: scaledToString(c.revenue.roundScaled(0), 2),
      matchKey: s.matchKey,
      matchConfidence: s.matchConfidence,
    });
  }
  return out.sort((a, b) => cmp(a.saleDate, b.saleDate) || cmp(a.dealNumber, b.dealNumber));
}

/** One week of the trend: its first and last date inside the range, and the report's totals. */
export interface TrendWeek {
  from: string;
  to: string;
  spend: string;
  leads: number;
  sold: string;
}

/**
 * The weekly trend over `[from, to]`: weeks from Monday to Sunday, the first and last cut to the
 * range, each with the report's totals under `model` (one report per week, read together).
 */
export async function weeklyTrend(
  attribution: Pick<AttributionStore, 'report'>,
  tenantId: string,
  q: { from: string; to: string; model: Model },
): Promise<TrendWeek[]> {
  const first = dayNumber(q.from);
  const last = dayNumber(q.to);
  const weeks: { from: number; to: number }[] = [];
  // Day 0 (1970-01-01) was a Thursday: (day + 3) % 7 is 0 on Mondays.
  for (let d = first; d <= last;) {
    const end = Math.min(last, d + 6 - ((d + 3) % 7));
    weeks.push({ from: d, to: end });
    d = end + 1;
  }
  const reports: Report[] = await Promise.all(
    weeks.map((w) =>
      attribution.report(tenantId, {
        from: dateOfDay(w.from),
        to: dateOfDay(w.to),
        model: q.model,
        groupBy: 'channel',
      }),
    ),
  );
  return reports.map((r) => ({
    from: r.from,
    to: r.to,
    spend: r.totals.spend,
    leads: r.totals.leads,
    sold: r.totals.sold,
  }));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
