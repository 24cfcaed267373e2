import type { CoreAttribution } from './attribute.ts';
import { UNATTRIBUTED } from './contributions.ts';
import { tenantDate } from './dates.ts';
import { FracSum, type Frac } from './fraction.ts';
import { DECAY_SCALE, quantizedNumerators, ratios } from './models.ts';
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

/** Exact sums of one model rollup field: credits, and credit × gross and price cents. */
class Sums {
  readonly sold = new FracSum();
  readonly gross = new FracSum();
  readonly revenue = new FracSum();

  /** Adds a credit `n/d` (not necessarily reduced) of a sale with these gross and price cents. */
  add(n: bigint, d: bigint, grossCents: bigint, priceCents: bigint): void {
    this.sold.addRatio(n, d);
    this.gross.addRatio(n, d, grossCents);
    this.revenue.addRatio(n, d, priceCents);
  }
}

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

  /**
   * Adds a sale's contributions under every model: each touch's credit numerator over its
   * model's common denominator (time_decay's quantized, over DECAY_SCALE) into the touch's
   * field; no fraction is reduced until `result`. A touch credited nothing adds no field.
   */
  addSale(sale: CoreAttribution): void {
    const gross = BigInt(sale.grossCents);
    const price = BigInt(sale.priceCents);
    const date = sale.saleDate;
    if (sale.touches.length === 0) {
      const f = rollupField(date, UNATTRIBUTED, '');
      for (const m of MODELS) this.sumsAt(m, f).add(1n, 1n, gross, price);
      return;
    }
    const fields = sale.touches.map((t) => rollupField(date, t.channel, t.campaignId));
    MODELS.forEach((m, j) => {
      const w = sale.weights[j]!;
      const decay = m === 'time_decay';
      const nums = decay ? quantizedNumerators(ratios(w)) : w.nums;
      const den = decay ? DECAY_SCALE : w.den;
      nums.forEach((x, i) => {
        if (x !== 0n) this.sumsAt(m, fields[i]!).add(x, den, gross, price);
      });
    });
  }

  private sumsAt(m: Model, field: string): Sums {
    let v = this.sums[m].get(field);
    if (!v) this.sums[m].set(field, (v = new Sums()));
    return v;
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
