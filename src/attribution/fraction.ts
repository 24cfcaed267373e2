/**
 * Exact rational numbers on bigint, always reduced, denominator > 0. Attribution credits and
 * credit × cents are kept in this form and rounded once, at the end (CLOSED-LOOP.md, "The report").
 */
export class Frac {
  readonly n: bigint;
  readonly d: bigint;

  /** `isReduced`: the caller knows `n/d` is reduced with `d > 0` (see `Frac.reduced`). */
  constructor(n: bigint, d: bigint = 1n, isReduced = false) {
    if (isReduced) {
      this.n = n;
      this.d = d;
      return;
    }
    if (d === 0n) throw new RangeError('denominator 0');
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n < 0n ? -n : n, d);
    this.n = g > 1n ? n / g : n;
    this.d = g > 1n ? d / g : d;
  }

  /** `n/d` known to be reduced with `d > 0` (no gcd): for callers that reduced it themselves. */
  static reduced(n: bigint, d: bigint): Frac {
    return new Frac(n, d, true);
  }

  static readonly ZERO = new Frac(0n);
  static readonly ONE = new Frac(1n);

  /** An integer (e.g. cents) as a fraction. */
  static of(value: number | bigint): Frac {
    return new Frac(BigInt(value));
  }

  add(o: Frac): Frac {
    if (this.d === o.d) return new Frac(this.n + o.n, this.d);
    return new Frac(this.n * o.d + o.n * this.d, this.d * o.d);
  }

  sub(o: Frac): Frac {
    return this.add(new Frac(-o.n, o.d));
  }

  mul(o: Frac): Frac {
    return new Frac(this.n * o.n, this.d * o.d);
  }

  div(o: Frac): Frac {
    return new Frac(this.n * o.d, this.d * o.n);
  }

  isZero(): boolean {
    return this.n === 0n;
  }

  equals(o: Frac): boolean {
    return this.n === o.n && this.d === o.d;
  }

  /** Rounded to `scale` decimals, half away from zero, as a scaled integer (value × 10^scale). */
  roundScaled(scale: number): bigint {
    const num = this.n * 10n ** BigInt(scale);
    const neg = num < 0n;
    const a = neg ? -num : num;
    const q = (2n * a + this.d) / (2n * this.d);
    return neg ? -q : q;
  }

  /** Decimal string rounded to `scale` places, half away from zero (e.g. `toFixed(2)` → "12.35"). */
  toFixed(scale: number): string {
    return scaledToString(this.roundScaled(scale), scale);
  }

  /** `n/d`, or `n` when whole: the exact value. */
  toString(): string {
    return this.d === 1n ? String(this.n) : `${this.n}/${this.d}`;
  }

  /** Parses `toString()` output. */
  static parse(s: string): Frac {
    const [n, d] = s.split('/');
    return new Frac(BigInt(n!), d === undefined ? 1n : BigInt(d));
  }
}

/**
 * An exact sum of many fractions without a gcd per addition: numerators are added per
 * denominator (reports and rollups add thousands of values over a few denominators), and
 * reduced to one fraction only when read.
 */
export class FracSum {
  private readonly byDen = new Map<bigint, bigint>();

  /** Adds `f` (times `k`, default 1). */
  add(f: Frac, k = 1n): this {
    if (f.n !== 0n) this.byDen.set(f.d, (this.byDen.get(f.d) ?? 0n) + f.n * k);
    return this;
  }

  /** Adds a fraction in `toString()` form (`n/d` or `n`; it need not be reduced). */
  addText(text: string): this {
    const slash = text.indexOf('/');
    const n = BigInt(slash < 0 ? text : text.slice(0, slash));
    const d = slash < 0 ? 1n : BigInt(text.slice(slash + 1));
    if (d <= 0n) throw new RangeError(`bad fraction ${text}`);
    if (n !== 0n) this.byDen.set(d, (this.byDen.get(d) ?? 0n) + n);
    return this;
  }

  /** The sum, reduced. */
  value(): Frac {
    // Over the least common multiple of the denominators (gcds of denominators only), then one
    // reduction: adding fraction by fraction would gcd ever longer numerators.
    let l = 1n;
    for (const d of this.byDen.keys()) l = (l / gcd(l, d)) * d;
    let n = 0n;
    for (const [d, k] of this.byDen) n += k * (l / d);
    return new Frac(n, l);
  }
}

/** A scaled integer (value × 10^scale) as a decimal string, e.g. (12345n, 2) → "123.45". */
export function scaledToString(v: bigint, scale: number): string {
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = scale ? '.' + digits.slice(digits.length - scale) : '';
  return (neg ? '-' : '') + whole + frac;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}
