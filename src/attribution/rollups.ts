import type { CoreAttribution } from './attribute.ts';
import { UNATTRIBUTED } from './contributions.ts';
import { tenantDate } from './dates.ts';
import { Frac, lcm } from './fraction.ts';
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
  /** The denominators added over (a few per field: one for time_decay). */
  private readonly dens: bigint[] = [];
  /** Per denominator: numerators of the credits, of credit × gross and of credit × price. */
  private readonly nums: bigint[] = [];

  /** Adds a credit `n/d` (not necessarily reduced) of a sale with these gross and price cents. */
  add(n: bigint, d: bigint, grossCents: bigint, priceCents: bigint): void {
    let i = this.dens.indexOf(d);
    if (i < 0) {
      i = this.dens.push(d) - 1;
      this.nums.push(0n, 0n, 0n);
    }
    this.nums[3 * i]! += n;
    this.nums[3 * i + 1]! += n * grossCents;
    this.nums[3 * i + 2]! += n * priceCents;
  }

  /** The three sums, reduced. */
  value(): { sold: Frac; gross: Frac; revenue: Frac } {
    const { dens, nums } = this;
    let l = dens[0]!;
    for (let i = 1; i < dens.length; i++) l = lcm(l, dens[i]!);
    // Plain loops: this runs once per field of every model (tens of thousands).
    const sums = [0n, 0n, 0n];
    for (let i = 0; i < dens.length; i++) {
      const scale = l / dens[i]!;
      for (let k = 0; k < 3; k++) sums[k]! += nums[3 * i + k]! * scale;
    }
    return {
      sold: new Frac(sums[0]!, l),
      gross: new Frac(sums[1]!, l),
      revenue: new Frac(sums[2]!, l),
    };
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
    // Plain loops, no closure per sale: this runs for every touch under every model.
    for (let j = 0; j < MODELS.length; j++) {
      const m = MODELS[j]!;
      const w = sale.weights[j]!;
      const decay = m === 'time_decay';
      const nums = decay ? quantizedNumerators(ratios(w)) : w.nums;
      const den = decay ? DECAY_SCALE : w.den;
      for (let i = 0; i < nums.length; i++)
        if (nums[i] !== 0n) this.sumsAt(m, fields[i]!).add(nums[i]!, den, gross, price);
    }
  }

  private sumsAt(m: Model, field: string): Sums {
    let v = this.sums[m].get(field);
    if (!v) this.sums[m].set(field, (v = new Sums()));
    return v;
  }

  /** The base sums so far (lead counts and spend), by field. */
  baseSums(): Rollups['base'] {
    return this.base;
  }

  /** Model `m`'s sums so far, by field, each reduced as it is read. */
  *modelSums(m: Model): Generator<[string, { sold: Frac; gross: Frac; revenue: Frac }]> {
    for (const [f, v] of this.sums[m]) yield [f, v.value()];
  }
}

/** Encodes a model rollup value. */
export const encodeSums = (v: { sold: Frac; gross: Frac; revenue: Frac }) =>
  `${v.sold};${v.gross};${v.revenue}`;
