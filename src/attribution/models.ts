import { Decimal } from 'decimal.js';

import { Frac } from './fraction.ts';
import type { Model } from './types.ts';

/** Significant digits of a time-decay weight that is not a power of two (irrational in general). */
export const DECAY_DIGITS = 40;

const D = Decimal.clone({ precision: DECAY_DIGITS, rounding: Decimal.ROUND_HALF_EVEN });

/**
 * Credits of touches 1..n (ordered) under `model`; they sum to exactly 1. `deltas[i]` is
 * `D − d(t)` of touch i in whole days (used by time_decay only).
 *
 * time_decay: weight 0.5^(Δ/h) = 2^((Δmax − Δ)/h) scaled by the oldest touch's weight, exact
 * (a power of two) when h divides Δmax − Δ, else `2^x` to DECAY_DIGITS significant digits; the
 * credits are the exact fractions weight / Σ weights. So 0, 7, 14 days at h = 7 give exactly
 * 4/7, 2/7, 1/7.
 */
export function credits(model: Model, deltas: readonly number[], halfLifeDays: number): Frac[] {
  const n = deltas.length;
  if (n === 0) return [];
  if (n === 1) return [Frac.ONE];
  const one = (i: number) => deltas.map((_, j) => (j === i ? Frac.ONE : Frac.ZERO));
  switch (model) {
    case 'last_touch':
      return one(n - 1);
    case 'first_touch':
      return one(0);
    case 'linear':
      return deltas.map(() => new Frac(1n, BigInt(n)));
    case 'position_based':
      return positionBased(n);
    case 'time_decay':
      return timeDecay(deltas, halfLifeDays);
  }
}

function positionBased(n: number): Frac[] {
  if (n === 1) return [Frac.ONE];
  if (n === 2) return [new Frac(1n, 2n), new Frac(1n, 2n)];
  const middle = new Frac(1n, 5n * BigInt(n - 2));
  return Array.from({ length: n }, (_, i) => (i === 0 || i === n - 1 ? new Frac(2n, 5n) : middle));
}

function timeDecay(deltas: readonly number[], h: number): Frac[] {
  const max = Math.max(...deltas);
  const weights = deltas.map((delta) => decayWeight(max - delta, h));
  // Over one common denominator (every weight's is a power of ten, the largest a multiple of the
  // others), so each credit is one reduction of its numerator over the numerators' sum.
  let common = 1n;
  for (const w of weights) if (w.d > common) common = w.d;
  const nums = weights.map((w) => w.n * (common / w.d));
  const sum = nums.reduce((a, b) => a + b, 0n);
  return nums.map((x) => new Frac(x, sum));
}

/** Decay weights computed so far, by `e/h` (a handful of values per lookback and half-life). */
const weights = new Map<string, Ratio>();

/**
 * 2^(e/h), over a power of ten (not reduced): exact when h divides e, else a DECAY_DIGITS-digit
 * decimal.
 */
function decayWeight(e: number, h: number): Ratio {
  if (e % h === 0) return { n: 2n ** BigInt(e / h), d: 1n };
  const key = `${e}/${h}`;
  let w = weights.get(key);
  if (!w) {
    if (weights.size >= 100_000) weights.clear();
    const [whole, frac = ''] = new D(2).pow(new D(e).div(h)).toFixed().split('.');
    weights.set(key, (w = { n: BigInt(whole! + frac), d: 10n ** BigInt(frac.length) }));
  }
  return w;
}

/** Fixed denominator of time_decay contributions to reports and rollups (see `quantize`). */
export const DECAY_SCALE = 10n ** 40n;

/**
 * Credits quantized to multiples of 1/DECAY_SCALE, still summing to exactly 1 (largest
 * remainder, ties to the later touch). Report sums of time_decay would otherwise carry ever
 * larger denominators; the other models' denominators stay small and are never quantized.
 */
export function quantize(cs: readonly Ratio[]): Frac[] {
  // floor(c × SCALE) and the remainder r / d left below it, compared as r_a × d_b vs r_b × d_a
  // (integers only: no fraction is built per step).
  const floors = cs.map((c) => (c.n * DECAY_SCALE) / c.d);
  const rems = cs.map((c) => (c.n * DECAY_SCALE) % c.d);
  let missing = DECAY_SCALE - floors.reduce((a, b) => a + b, 0n);
  const rest = (a: number, b: number) => {
    const x = rems[a]! * cs[b]!.d - rems[b]! * cs[a]!.d;
    return x > 0n ? 1 : x < 0n ? -1 : 0;
  };
  const order = cs.map((_, i) => i).sort((a, b) => rest(b, a) || b - a);
  for (const i of order) {
    if (missing <= 0n) break;
    floors[i]! += 1n;
    missing -= 1n;
  }
  return floors.map(overScale);
}

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
