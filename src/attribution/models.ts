import { Frac } from './fraction.ts';
import type { Model } from './types.ts';

/** Significant digits of a time-decay weight that is not a power of two (irrational in general). */
export const DECAY_DIGITS = 40;

/**
 * A sale's credits under one model over one common denominator, not reduced: touch i gets
 * `nums[i] / den` (the numerators sum to `den`). What the rollups add up without a fraction
 * per touch; `credits` reduces them.
 */
export interface Weights {
  readonly nums: readonly bigint[];
  readonly den: bigint;
}

const NO_TOUCH: Weights = { nums: [], den: 1n };
const ONE_TOUCH: Weights = { nums: [1n], den: 1n };
/** Weights of the models that depend only on the number of touches, by model and count. */
const byCount = new Map<Model, Weights[]>();

/**
 * Credits of touches 1..n (ordered) under `model` as `Weights`. `deltas[i]` is `D − d(t)` of
 * touch i in whole days (used by time_decay only).
 *
 * time_decay: weight 0.5^(Δ/h) = 2^((Δmax − Δ)/h) scaled by the oldest touch's weight, exact
 * (a power of two) when h divides Δmax − Δ, else `2^x` correctly rounded to DECAY_DIGITS
 * significant digits; the
 * credits are the exact fractions weight / Σ weights. So 0, 7, 14 days at h = 7 give exactly
 * 4/7, 2/7, 1/7.
 */
export function modelWeights(
  model: Model,
  deltas: readonly number[],
  halfLifeDays: number,
): Weights {
  const n = deltas.length;
  if (n === 0) return NO_TOUCH;
  if (n === 1) return ONE_TOUCH;
  if (model === 'time_decay') return timeDecay(deltas, halfLifeDays);
  let known = byCount.get(model);
  if (!known) byCount.set(model, (known = []));
  return (known[n] ??= countWeights(model, n));
}

function countWeights(model: Exclude<Model, 'time_decay'>, n: number): Weights {
  const one = (i: number) => ({
    nums: Array.from({ length: n }, (_, j) => (j === i ? 1n : 0n)),
    den: 1n,
  });
  switch (model) {
    case 'last_touch':
      return one(n - 1);
    case 'first_touch':
      return one(0);
    case 'linear':
      return { nums: Array.from({ length: n }, () => 1n), den: BigInt(n) };
    case 'position_based': {
      // 40% each to the first and last, 20% shared by the middle: 2/5 = 2(n − 2) / 5(n − 2).
      if (n === 2) return { nums: [1n, 1n], den: 2n };
      const end = 2n * BigInt(n - 2);
      const nums = Array.from({ length: n }, (_, i) => (i === 0 || i === n - 1 ? end : 1n));
      return { nums, den: 5n * BigInt(n - 2) };
    }
  }
}

/** Credits of touches 1..n (ordered) under `model`, reduced; they sum to exactly 1. */
export function credits(model: Model, deltas: readonly number[], halfLifeDays: number): Frac[] {
  const w = modelWeights(model, deltas, halfLifeDays);
  return w.nums.map((x) => (x === w.den ? Frac.ONE : x === 0n ? Frac.ZERO : new Frac(x, w.den)));
}

function timeDecay(deltas: readonly number[], h: number): Weights {
  const max = Math.max(...deltas);
  const weights = deltas.map((delta) => decayWeight(max - delta, h));
  // Over one common denominator (every weight's is a power of ten, the largest a multiple of the
  // others), so each credit is its numerator over the numerators' sum.
  let common = 1n;
  for (const w of weights) if (w.d > common) common = w.d;
  const nums = weights.map((w) => w.n * (common / w.d));
  return { nums, den: nums.reduce((a, b) => a + b, 0n) };
}

/** Decay weights computed so far, by h, then e (at most a lookback's worth per half-life). */
const weights = new Map<number, Ratio[]>();

/**
 * 2^(e/h), over a power of ten (not reduced): exact when h divides e, else a DECAY_DIGITS-digit
 * decimal, correctly rounded.
 */
function decayWeight(e: number, h: number): Ratio {
  let byE = weights.get(h);
  if (!byE) {
    if (weights.size >= 1_000) weights.clear();
    weights.set(h, (byE = []));
  }
  return (byE[e] ??= computeWeight(e, h));
}

/**
 * 2^(e/h) to DECAY_DIGITS significant digits in integers: the h-th root of 2^e × 10^(h(s+1)) is
 * the value with s+1 decimals (s those kept), rounded half up on the extra digit (2^(e/h) is
 * irrational when h does not divide e: never a tie, so this is correct rounding). Trailing zeros
 * are dropped, as a decimal's digits. A few microseconds where decimal.js's pow took most of a
 * millisecond per weight (tens of them per process and half-life).
 */
function computeWeight(e: number, h: number): Ratio {
  if (e % h === 0) return { n: 2n ** BigInt(e / h), d: 1n };
  const pow = 2n ** BigInt(e);
  const kept = DECAY_DIGITS - rootOf(pow, h).toString().length;
  const r =
    kept >= 0
      ? rootOf(pow * 10n ** BigInt((kept + 1) * h), h)
      : rootOf(pow, h) / 10n ** BigInt(-kept - 1);
  let n = (r + 5n) / 10n;
  if (kept < 0) return { n: n * 10n ** BigInt(-kept), d: 1n };
  let decimals = kept;
  for (; decimals > 0 && n % 10n === 0n; decimals--) n /= 10n;
  return { n, d: 10n ** BigInt(decimals) };
}

/** floor(x^(1/k)) of x ≥ 0 (Newton's method in integers, from above). */
function rootOf(x: bigint, k: number): bigint {
  if (x < 2n) return x;
  const kb = BigInt(k);
  let r = 1n << BigInt(Math.ceil(x.toString(2).length / k));
  for (;;) {
    const next = ((kb - 1n) * r + x / r ** (kb - 1n)) / kb;
    if (next >= r) return r;
    r = next;
  }
}

/** Fixed denominator of time_decay contributions to reports and rollups (see `quantize`). */
export const DECAY_SCALE = 10n ** 40n;

/**
 * Credits quantized to multiples of 1/DECAY_SCALE, still summing to exactly 1 (largest
 * remainder, ties to the later touch). Report sums of time_decay would otherwise carry ever
 * larger denominators; the other models' denominators stay small and are never quantized.
 */
export function quantize(cs: readonly Ratio[]): Frac[] {
  return quantizedNumerators(cs).map(overScale);
}

/**
 * `quantize`'s credits as their numerators over DECAY_SCALE (what rollups add up, reduced once
 * per sum instead of once per credit).
 */
export function quantizedNumerators(cs: readonly Ratio[]): bigint[] {
  // floor(c × SCALE) and the remainder r / d left below it, compared as r_a × d_b vs r_b × d_a
  // (integers only: no fraction is built per step).
  const floors = cs.map((c) => (c.n * DECAY_SCALE) / c.d);
  const rems = cs.map((c) => (c.n * DECAY_SCALE) % c.d);
  const rest = (a: number, b: number) => sign(rems[a]! * cs[b]!.d - rems[b]! * cs[a]!.d);
  return largestRemainder(floors, rest);
}

/**
 * `quantizedNumerators(ratios(w))` (what a recompute adds up per sale): over one denominator
 * each remainder follows from its floor (one division per touch, not two) and the remainders
 * compare as they are (no product per comparison).
 */
export function quantizedWeights(w: Weights): bigint[] {
  const floors: bigint[] = [];
  const rems: bigint[] = [];
  for (const n of w.nums) {
    const scaled = n * DECAY_SCALE;
    const f = scaled / w.den;
    floors.push(f);
    rems.push(scaled - f * w.den);
  }
  return largestRemainder(floors, (a, b) => sign(rems[a]! - rems[b]!));
}

/**
 * Adds the units `floors` miss of DECAY_SCALE, one each, to the touches with the largest
 * remainders (`rest(a, b)`: the sign of remainder a minus remainder b), ties to the later touch.
 */
function largestRemainder(floors: bigint[], rest: (a: number, b: number) => number): bigint[] {
  let missing = DECAY_SCALE - floors.reduce((a, b) => a + b, 0n);
  const order = floors.map((_, i) => i).sort((a, b) => rest(b, a) || b - a);
  for (const i of order) {
    if (missing <= 0n) break;
    floors[i]! += 1n;
    missing -= 1n;
  }
  return floors;
}

const sign = (x: bigint) => (x > 0n ? 1 : x < 0n ? -1 : 0);

/** The credits of `w` as ratios (for `quantize`). */
export const ratios = (w: Weights): Ratio[] => w.nums.map((n) => ({ n, d: w.den }));

/** A numerator and a positive denominator, reduced or not (`quantize` gives the same for both). */
export interface Ratio {
  n: bigint;
  d: bigint;
}

/**
 * `f / DECAY_SCALE` reduced: DECAY_SCALE is 2^40 × 5^40, so the common factor is the powers of
 * two and five `f` holds (a few remainders), not a gcd of 40-digit numbers.
 */
function overScale(f: bigint): Frac {
  if (f === 0n) return Frac.ZERO;
  let [n, d] = [f, DECAY_SCALE];
  while (d % 2n === 0n && n % 2n === 0n) [n, d] = [n / 2n, d / 2n];
  while (d % 5n === 0n && n % 5n === 0n) [n, d] = [n / 5n, d / 5n];
  return Frac.reduced(n, d);
}
