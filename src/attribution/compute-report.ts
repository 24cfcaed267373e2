import type { SaleAttribution } from './attribute.ts';
import { contributions } from './contributions.ts';
import { tenantDate } from './dates.ts';
import { CellSet, renderReport, type GroupBy, type Report } from './report.ts';
import type { LeadInput, Model, SpendInput } from './types.ts';

/** Everything a report over `[from, to]` (tenant dates, inclusive) is computed from. */
export interface ReportInput {
  from: string;
  to: string;
  model: Model;
  groupBy: GroupBy;
  timeZone: string;
  sales: readonly SaleAttribution[];
  leads: readonly Pick<LeadInput, 'createdAt' | 'channel' | 'campaignId'>[];
  spend: readonly SpendInput[];
  /** Campaign id → name. */
  names?: ReadonlyMap<string, string>;
}

/**
 * The report straight from attributed sales, leads and spend (the engine's reference path; the
 * stored path sums the same cells from rollups). Inputs outside the range are ignored.
 */
export function computeReport(input: ReportInput): Report {
  const { from, to, model, groupBy, timeZone } = input;
  const inRange = (d: string) => d >= from && d <= to;
  const set = new CellSet(groupBy);
  for (const s of input.spend)
    if (inRange(s.date)) set.addBase(s.channel, s.campaignId, BigInt(s.amountCents), 0);
  for (const l of input.leads)
    if (inRange(tenantDate(l.createdAt, timeZone))) set.addBase(l.channel, l.campaignId, 0n, 1);
  for (const sale of input.sales)
    if (inRange(sale.saleDate)) for (const c of contributions(sale, model)) set.addContribution(c);
  return renderReport(set, { from, to, model }, input.names);
}
