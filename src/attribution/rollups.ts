import type { SaleAttribution } from './attribute.ts';
import { contributions } from './contributions.ts';
import { tenantDate } from './dates.ts';
import { FracSum, type Frac } from './fraction.ts';
import { CellSet, type GroupBy } from './report.ts';
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

type Sums = { sold: FracSum; gross: FracSum; revenue: FracSum };

/**
 * Sums sales' contributions per model and leads and spend rows per day × campaign, one record
 * at a time (what a full recompute writes), exactly.
 */
export class RollupBuilder {
  private readonly base: Rollups['base'] = new Map();
  private readonly sums = Object.fromEntries(MODELS.map((m) => [m, new Map()])) as Record<
    Model,
    Map<string, Sums>
  >;

  constructor(private readonly timeZone: string) {}

  private baseAt(f: string) {
    return this.base.get(f) ?? this.base.set(f, { spendCents: 0n, leads: 0 }).get(f)!;
  }

  addSpend(s: SpendInput): void {
    this.baseAt(rollupField(s.date, s.channel, s.campaignId)).spendCents += BigInt(s.amountCents);
  }

  addLead(l: Pick<LeadInput, 'createdAt' | 'channel' | 'campaignId'>): void {
    this.baseAt(rollupField(tenantDate(l.createdAt, this.timeZone), l.channel, l.campaignId))
      .leads++;
  }

  addSale(sale: SaleAttribution): void {
    for (const m of MODELS)
      for (const c of contributions(sale, m)) {
        const f = rollupField(sale.saleDate, c.channel, c.campaignId);
        let v = this.sums[m].get(f);
        if (!v)
          this.sums[m].set(
            f,
            (v = { sold: new FracSum(), gross: new FracSum(), revenue: new FracSum() }),
          );
        v.sold.add(c.sold);
        v.gross.add(c.gross);
        v.revenue.add(c.revenue);
      }
  }

  /** The sums so far. */
  result(): Rollups {
    const byModel = Object.fromEntries(
      MODELS.map((m) => [
        m,
        new Map(
          [...this.sums[m]].map(([f, v]) => [
            f,
            { sold: v.sold.value(), gross: v.gross.value(), revenue: v.revenue.value() },
          ]),
        ),
      ]),
    ) as Rollups['byModel'];
    return { base: this.base, byModel };
  }
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
  for (const [field, value] of Object.entries(base)) {
    const [date, channel, campaignId] = field.split(SEP) as [string, string, string];
    if (date < from || date > to) continue;
    const [spend, leads] = value.split(';') as [string, string];
    set.addBase(channel, campaignId, BigInt(spend), Number(leads));
  }
  for (const [field, value] of Object.entries(model)) {
    const [date, channel, campaignId] = field.split(SEP) as [string, string, string];
    if (date < from || date > to) continue;
    const [sold, gross, revenue] = value.split(';') as [string, string, string];
    set.addTexts(channel, campaignId, sold, gross, revenue);
  }
  return set;
}
