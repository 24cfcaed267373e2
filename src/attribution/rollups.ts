import type { CoreAttribution } from './attribute.ts';
import { UNATTRIBUTED } from './contributions.ts';
import { tenantDate } from './dates.ts';
import { Frac, lcm, smallGcd } from './fraction.ts';
import { DECAY_SCALE, quantizedWeights, type Weights } from './models.ts';
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

const safe = Number.isSafeInteger;

/** The three sums of a model rollup field, reduced. */
type Value = { sold: Frac; gross: Frac; revenue: Frac };

/**
 * Exact sums of one rollup field under a model whose denominators are small (all but
 * time_decay: 1, n or 5(n − 2)): credits, and credit × gross and price cents. In doubles while
 * every numerator stays a safe integer (a sum of a few thousand products of a small numerator
 * and cents), else from then on in bigint.
 */
class SmallSums {
  /** The denominators added over (a few per field). */
  private readonly dens: number[] = [];
  /** Per denominator: numerators of the credits, of credit × gross and of credit × price. */
  private readonly nums: number[] = [];
  /** The same in bigint, once a double would have lost a digit (`nums` then unused). */
  private big: bigint[] | null = null;

  get isEmpty(): boolean {
    return this.dens.length === 0;
  }

  /** Adds a credit `n/d` (not necessarily reduced) of a sale with these gross and price cents. */
  add(n: number, d: number, grossCents: number, priceCents: number): void {
    let i = this.dens.indexOf(d);
    if (i < 0) {
      i = this.dens.push(d) - 1;
      this.nums.push(0, 0, 0);
      this.big?.push(0n, 0n, 0n);
    }
    const { nums } = this;
    if (!this.big) {
      // Plain locals (no array per call): this runs for every touch under four models.
      const b = n * grossCents;
      const c = n * priceCents;
      const a = nums[3 * i]! + n;
      const g = nums[3 * i + 1]! + b;
      const p = nums[3 * i + 2]! + c;
      if (safe(a) && safe(b) && safe(c) && safe(g) && safe(p)) {
        nums[3 * i] = a;
        nums[3 * i + 1] = g;
        nums[3 * i + 2] = p;
        return;
      }
      this.big = nums.map(BigInt);
    }
    const [bn, big] = [BigInt(n), this.big];
    big[3 * i]! += bn;
    big[3 * i + 1]! += bn * BigInt(grossCents);
    big[3 * i + 2]! += bn * BigInt(priceCents);
  }

  /**
   * `encodeSums(this.value())`, in doubles while the common denominator and every sum over it
   * stay safe integers (they do for all but a few fields: no bigint, no fraction object).
   */
  text(): string {
    const { dens, nums } = this;
    if (this.big) return encodeSums(this.value());
    // A double result that is a safe integer is exact (the exact one is below 2^53 too).
    let l = dens[0]!;
    for (let i = 1; i < dens.length; i++) l = (l / smallGcd(l % dens[i]!, dens[i]!)) * dens[i]!;
    if (!safe(l)) return encodeSums(this.value());
    let a = 0;
    let g = 0;
    let p = 0;
    for (let i = 0; i < dens.length; i++) {
      const scale = l / dens[i]!;
      const x = nums[3 * i]! * scale;
      const y = nums[3 * i + 1]! * scale;
      const z = nums[3 * i + 2]! * scale;
      a += x;
      g += y;
      p += z;
      if (!(safe(x) && safe(y) && safe(z) && safe(a) && safe(g) && safe(p)))
        return encodeSums(this.value());
    }
    return `${ratioText(a, l)};${ratioText(g, l)};${ratioText(p, l)}`;
  }

  /** The three sums, reduced. */
  value(): Value {
    const { dens } = this;
    const nums = this.big ?? this.nums.map(BigInt);
    let l = BigInt(dens[0]!);
    for (let i = 1; i < dens.length; i++) l = lcm(l, BigInt(dens[i]!));
    // Plain loops: this runs once per field of every model (tens of thousands).
    const sums = [0n, 0n, 0n];
    for (let i = 0; i < dens.length; i++) {
      const scale = l / BigInt(dens[i]!);
      for (let k = 0; k < 3; k++) sums[k]! += nums[3 * i + k]! * scale;
    }
    return {
      sold: new Frac(sums[0]!, l),
      gross: new Frac(sums[1]!, l),
      revenue: new Frac(sums[2]!, l),
    };
  }
}

/** `new Frac(n, d).toString()` of safe integers, d > 0. */
function ratioText(n: number, d: number): string {
  const k = smallGcd(Math.abs(n), d);
  return d === k ? String(n / k) : `${n / k}/${d / k}`;
}

/** The time_decay sums of one rollup field: numerators over DECAY_SCALE (quantized credits). */
class DecaySums {
  private sold = 0n;
  private gross = 0n;
  private revenue = 0n;
  isEmpty = true;

  add(n: bigint, grossCents: bigint, priceCents: bigint): void {
    this.isEmpty = false;
    this.sold += n;
    this.gross += n * grossCents;
    this.revenue += n * priceCents;
  }

  text(): string {
    return encodeSums(this.value());
  }

  value(): Value {
    const d = DECAY_SCALE;
    return {
      sold: new Frac(this.sold, d),
      gross: new Frac(this.gross, d),
      revenue: new Frac(this.revenue, d),
    };
  }
}

/** The sums of one rollup field under every model (MODELS order; time_decay's at DECAY). */
type Cell = (SmallSums | DecaySums)[];

const DECAY = MODELS.indexOf('time_decay');

/** Small numerators and denominators of count-only weights (shared, as the weights are). */
const small = new WeakMap<Weights, { nums: number[]; den: number }>();
function smallOf(w: Weights): { nums: number[]; den: number } {
  let s = small.get(w);
  if (!s) small.set(w, (s = { nums: w.nums.map(Number), den: Number(w.den) }));
  return s;
}

/**
 * Sums sales' contributions per model and leads and spend rows per day × campaign, one record
 * at a time (what a full recompute writes), exactly.
 */
export class RollupBuilder {
  private readonly base: Rollups['base'] = new Map();
  /** Model sums by rollup field, every model's in one cell (one lookup per touch). */
  private readonly cells = new Map<string, Cell>();

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
    const { grossCents, priceCents } = sale;
    const date = sale.saleDate;
    if (sale.touches.length === 0) {
      const cell = this.cellAt(rollupField(date, UNATTRIBUTED, ''));
      for (let j = 0; j < MODELS.length; j++)
        if (j === DECAY)
          (cell[j] as DecaySums).add(DECAY_SCALE, BigInt(grossCents), BigInt(priceCents));
        else (cell[j] as SmallSums).add(1, 1, grossCents, priceCents);
      return;
    }
    // Plain loops, no closure per sale: this runs for every touch under every model.
    const cells: Cell[] = [];
    for (const t of sale.touches)
      cells.push(this.cellAt(rollupField(date, t.channel, t.campaignId)));
    for (let j = 0; j < MODELS.length; j++) {
      if (j === DECAY) continue;
      const w = smallOf(sale.weights[j]!);
      for (let i = 0; i < w.nums.length; i++)
        if (w.nums[i] !== 0)
          (cells[i]![j] as SmallSums).add(w.nums[i]!, w.den, grossCents, priceCents);
    }
    const nums = quantizedWeights(sale.weights[DECAY]!);
    const [gross, price] = [BigInt(grossCents), BigInt(priceCents)];
    for (let i = 0; i < nums.length; i++)
      if (nums[i] !== 0n) (cells[i]![DECAY] as DecaySums).add(nums[i]!, gross, price);
  }

  private cellAt(field: string): Cell {
    let c = this.cells.get(field);
    if (!c) {
      c = MODELS.map((_, j) => (j === DECAY ? new DecaySums() : new SmallSums()));
      this.cells.set(field, c);
    }
    return c;
  }

  /** The base sums so far (lead counts and spend), by field. */
  baseSums(): Rollups['base'] {
    return this.base;
  }

  /** Model `m`'s sums so far as stored (`encodeSums`), by field (those it added to). */
  *modelTexts(m: Model): Generator<[string, string]> {
    const j = MODELS.indexOf(m);
    for (const [f, c] of this.cells) if (!c[j]!.isEmpty) yield [f, c[j]!.text()];
  }
}

/** Encodes a model rollup value. */
export const encodeSums = (v: Value) => `${v.sold};${v.gross};${v.revenue}`;
