const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
type TwoFive = { twos: number; fives: number };
const smooth = new Map<bigint, TwoFive>();

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
    for (const d of this.byDen.keys()) l = lcm(l, d);
    let n = 0n;
    for (const [d, k] of this.byDen) n += k * (l / d);
    return new Frac(n, l);
  }
}

/** The least common multiple of two positive integers. */
export const lcm = (a: bigint, b: bigint): bigint => (a === b ? a : (a / gcd(a, b)) * b);

/** A scaled integer (value × 10^scale) as a decimal string, e.g. (12345n, 2) → "123.45". */
export function scaledToString(v: bigint, scale: number): string {
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = scale ? '.' + digits.slice(digits.length - scale) : '';
  return (neg ? '-' : '') + whole + frac;
}

/**
 * gcd(a, b) of a ≥ 0 and b > 0 (rollup and report sums reduce tens of thousands of them). In
 * doubles as soon as one side is below 2^53 (exact there); over a denominator whose only prime
 * factors are 2 and 5 (time_decay's, a divisor of 10^40) by the powers of 2 and 5 the other side
 * holds, a few remainders; else Euclid in bigint until the numbers are small.
 */
function gcd(a: bigint, b: bigint): bigint {
  if (a === 0n) return b;
  if (b <= SAFE) return BigInt(smallGcd(Number(a % b), Number(b)));
  if (a <= SAFE) return BigInt(smallGcd(Number(b % a), Number(a)));
  const f = twoFive(b);
  if (f) return twoFiveGcd(a % b, f);
  while (b > SAFE) [a, b] = [b, a % b];
  return b === 0n ? a : BigInt(smallGcd(Number(a % b), Number(b)));
}

/** gcd(a, b) of safe integers a ≥ 0 and b ≥ 0 (either may be 0). */
export function smallGcd(a: number, b: number): number {
  while (a) [a, b] = [b % a, a];
  return b;
}

/**
 * `b` as 2^twos × 5^fives, or null when it has another prime factor (those found are cached:
 * time_decay's denominators are a few hundred divisors of 10^40).
 */
function twoFive(b: bigint): TwoFive | null {
  const known = smooth.get(b);
  if (known) return known;
  let [x, twos, fives] = [b, 0, 0];
  for (; x % 2n === 0n; twos++) x /= 2n;
  for (; x % 5n === 0n; fives++) x /= 5n;
  if (x !== 1n) return null;
  if (smooth.size >= 10_000) smooth.clear();
  smooth.set(b, { twos, fives });
  return { twos, fives };
}

/** gcd(r, 2^twos × 5^fives) for r ≥ 0. */
function twoFiveGcd(r: bigint, f: TwoFive): bigint {
  if (r === 0n) return 2n ** BigInt(f.twos) * 5n ** BigInt(f.fives);
  let g = 1n;
  for (let i = 0; i < f.twos && r % 2n === 0n; i++) [r, g] = [r / 2n, g * 2n];
  for (let i = 0; i < f.fives && r % 5n === 0n; i++) [r, g] = [r / 5n, g * 5n];
  return g;
}
