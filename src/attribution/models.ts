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
  const sum = weights.reduce((a, b) => a.add(b), Frac.ZERO);
  return weights.map((w) => w.div(sum));
}

/** Decay weights computed so far, by `e/h` (a handful of values per lookback and half-life). */
const weights = new Map<string, Frac>();

/** 2^(e/h): exact when h divides e, else a DECAY_DIGITS-digit decimal as an exact fraction. */
function decayWeight(e: number, h: number): Frac {
  if (e % h === 0) return new Frac(2n ** BigInt(e / h));
  const key = `${e}/${h}`;
  let w = weights.get(key);
  if (!w) {
    if (weights.size >= 100_000) weights.clear();
    const [whole, frac = ''] = new D(2).pow(new D(e).div(h)).toFixed().split('.');
    weights.set(key, (w = new Frac(BigInt(whole! + frac), 10n ** BigInt(frac.length))));
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
export function quantize(cs: Frac[]): Frac[] {
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
  return floors.map((f) => new Frac(f, DECAY_SCALE));
}
