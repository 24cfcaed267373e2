import type { SaleAttribution } from './attribute.ts';
import { contributions } from './contributions.ts';
import { Frac } from './fraction.ts';
import { encodeSums, rollupField } from './rollups.ts';
import { MODELS, type Model } from './types.ts';

/** Sums of one model rollup field (or a change to them). */
export interface Sums {
  sold: Frac;
  gross: Frac;
  revenue: Frac;
}

/** Per model: rollup field → the change to its sums. */
export type ModelDeltas = Record<Model, Map<string, Sums>>;

const ZERO: Sums = { sold: Frac.ZERO, gross: Frac.ZERO, revenue: Frac.ZERO };

/**
 * What replacing each sale's old attribution by its new one does to the model rollups: minus the
 * old contributions, plus the new (exact fractions). `null` is "no attribution".
 */
export function modelDeltas(
  changes: readonly { before: SaleAttribution | null; after: SaleAttribution | null }[],
): ModelDeltas {
  const out = Object.fromEntries(MODELS.map((m) => [m, new Map()])) as ModelDeltas;
  const add = (m: Model, a: SaleAttribution, sign: 1n | -1n) => {
    for (const c of contributions(a, m)) {
      const f = rollupField(a.saleDate, c.channel, c.campaignId);
      const prev = out[m].get(f) ?? ZERO;
      const s = new Frac(sign);
      out[m].set(f, {
        sold: prev.sold.add(c.sold.mul(s)),
        gross: prev.gross.add(c.gross.mul(s)),
        revenue: prev.revenue.add(c.revenue.mul(s)),
      });
    }
  };
  for (const { before, after } of changes)
    for (const m of MODELS) {
      if (before) add(m, before, -1n);
      if (after) add(m, after, 1n);
    }
  return out;
}

/** A stored model rollup value plus a change; null when every sum comes to zero (field removed). */
export function applySums(stored: string | null, delta: Sums): string | null {
  const [sold = '0', gross = '0', revenue = '0'] = stored ? stored.split(';') : [];
  const v = {
    sold: Frac.parse(sold).add(delta.sold),
    gross: Frac.parse(gross).add(delta.gross),
    revenue: Frac.parse(revenue).add(delta.revenue),
  };
  return v.sold.isZero() && v.gross.isZero() && v.revenue.isZero() ? null : encodeSums(v);
}

/** A stored base rollup value (`<spend cents>;<leads>`) plus a change; null when both are zero. */
export function applyBase(stored: string | null, spendCents: bigint, leads: number): string | null {
  const [spend = '0', n = '0'] = stored ? stored.split(';') : [];
  const s = BigInt(spend) + spendCents;
  const l = Number(n) + leads;
  return s === 0n && l === 0 ? null : `${s};${l}`;
}
