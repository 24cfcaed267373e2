import type { SaleAttribution } from './attribute.ts';
import { contributions } from './contributions.ts';
import { tenantDate } from './dates.ts';
import { Frac } from './fraction.ts';
import { CellSet, emptyCell, type Cell, type GroupBy } from './report.ts';
import { MODELS, type LeadInput, type Model, type SpendInput } from './types.ts';

const SEP = '\u001f';

/** Rollup field of a day × channel × campaign. */
export const rollupField = (date: string, channel: string, campaignId: string) =>
  [date, channel, campaignId].join(SEP);

/** The rollup hashes' contents, computed in memory from attributed sales, leads and spend. */
export interface Rollups {
  base: Map<string, { spendCents: bigint; leads: number }>;
  byModel: Record<Model, Map<string, { sold: Frac; gross: Frac; revenue: Frac }>>;
}

/** Sums every sale's contributions per model and every lead and spend row per day × campaign. */
export function buildRollups(
  sales: readonly SaleAttribution[],
  leads: readonly LeadInput[],
  spend: readonly SpendInput[],
  timeZone: string,
): Rollups {
  const base: Rollups['base'] = new Map();
  const baseAt = (f: string) => base.get(f) ?? base.set(f, { spendCents: 0n, leads: 0 }).get(f)!;
  for (const s of spend)
    baseAt(rollupField(s.date, s.channel, s.campaignId)).spendCents += BigInt(s.amountCents);
  for (const l of leads)
    baseAt(rollupField(tenantDate(l.createdAt, timeZone), l.channel, l.campaignId)).leads += 1;
  const byModel = Object.fromEntries(MODELS.map((m) => [m, new Map()])) as Rollups['byModel'];
  for (const m of MODELS)
    for (const sale of sales)
      for (const c of contributions(sale, m)) {
        const f = rollupField(sale.saleDate, c.channel, c.campaignId);
        const prev = byModel[m].get(f);
        byModel[m].set(
          f,
          prev
            ? {
                sold: prev.sold.add(c.sold),
                gross: prev.gross.add(c.gross),
                revenue: prev.revenue.add(c.revenue),
              }
            : { sold: c.sold, gross: c.gross, revenue: c.revenue },
        );
      }
  return { base, byModel };
}

/** Encodes a model rollup value. */
export const encodeSums = (v: { sold: Frac; gross: Frac; revenue: Frac }) =>
  `${v.sold};${v.gross};${v.revenue}`;

/**
 * Sums stored rollup fields of `[from, to]` into report cells: what a report reads (two hash
 * reads, no record).
 */
export function cellsFromRollups(
  base: Record<string, string>,
  model: Record<string, string>,
  from: string,
  to: string,
  groupBy: GroupBy,
): CellSet {
  const set = new CellSet(groupBy);
  const each = (h: Record<string, string>, fn: (cell: Cell, parts: string[]) => void) => {
    for (const [field, value] of Object.entries(h)) {
      const [date, channel, campaignId] = field.split(SEP) as [string, string, string];
      if (date < from || date > to) continue;
      const cell = emptyCell(channel, campaignId);
      fn(cell, value.split(';'));
      set.addCell(cell);
    }
  };
  each(base, (cell, [spend, leads]) => {
    cell.spendCents = BigInt(spend!);
    cell.leads = Number(leads);
  });
  each(model, (cell, [sold, gross, revenue]) => {
    cell.sold = Frac.parse(sold!);
    cell.gross = Frac.parse(gross!);
    cell.revenue = Frac.parse(revenue!);
  });
  return set;
}
