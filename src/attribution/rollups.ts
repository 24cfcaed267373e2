import type { SaleAttribution } from './attribute.ts';
import { credited } from './contributions.ts';
import { tenantDate } from './dates.ts';
import { FracSum, type Frac } from './fraction.ts';
import { MODELS, type LeadInput, type Model, type SpendInput } from './types.ts';

const SEP = '\u001f';

/** Rollup field of a day × channel × campaign (in memory; stored as a day hash's cell field). */
export const rollupField = (date: string, channel: string, campaignId: string) =>
  [date, channel, campaignId].join(SEP);

/** A rollup field's date and its field in the date's hash (`<channel>␟<campaign>`). */
export function splitField(field: string): [date: string, cell: string] {
  const i = field.indexOf(SEP);
  return [field.slice(0, i), field.slice(i + 1)];
}

/** `field` (see `rollupField`) on another date. */
export const withDate = (field: string, date: string) => date + field.slice(field.indexOf(SEP));

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

  /** Adds to a base field directly (a "seen" entry's field and amount). */
  addBase(field: string, spendCents: bigint, leads: number): void {
    const b = this.baseAt(field);
    b.spendCents += spendCents;
    b.leads += leads;
  }

  addLead(l: Pick<LeadInput, 'createdAt' | 'channel' | 'campaignId'>): void {
    this.baseAt(rollupField(tenantDate(l.createdAt, this.timeZone), l.channel, l.campaignId))
      .leads++;
  }

  addSale(sale: SaleAttribution): void {
    const gross = BigInt(sale.grossCents);
    const price = BigInt(sale.priceCents);
    for (const m of MODELS)
      for (const c of credited(sale, m)) {
        const f = rollupField(sale.saleDate, c.channel, c.campaignId);
        let v = this.sums[m].get(f);
        if (!v)
          this.sums[m].set(
            f,
            (v = { sold: new FracSum(), gross: new FracSum(), revenue: new FracSum() }),
          );
        v.sold.add(c.sold);
        v.gross.add(c.sold, gross);
        v.revenue.add(c.sold, price);
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
