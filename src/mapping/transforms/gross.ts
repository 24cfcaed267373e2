import { z } from 'zod';

import { parseMinorUnits } from './money.ts';
import { defineTransform, Invalid, type Step } from './types.ts';

/** Canonical names of the three gross parts, in the order `gross` reads them. */
type Part = 'frontGross' | 'backGross' | 'totalGross';

const empty = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * The three gross parts of a deal in cents from `[front, back, total, ...back alternatives]`
 * (CDK writes back gross as `BackGross` or only as `FIIncome`), with the one missing part derived
 * from the other two (total = front + back). Returns the parts, which one was derived, or the
 * reason a given value is not an amount.
 */
export function grossParts(
  values: readonly unknown[],
  decimals = 2,
): { parts: Partial<Record<Part, number>>; derived?: Part } | Invalid {
  const read = (v: unknown, name: string): number | undefined | Invalid => {
    if (empty(v)) return undefined;
    return (
      parseMinorUnits(v, decimals) ??
      new Invalid(`${name} is not a money amount: ${JSON.stringify(v)}`)
    );
  };
  const front = read(values[0], 'front gross');
  let back = read(values[1], 'back gross');
  for (let i = 3; back === undefined && i < values.length; i++)
    back = read(values[i], 'back gross (F&I income)');
  const total = read(values[2], 'total gross');
  for (const x of [front, back, total]) if (x instanceof Invalid) return x;
  const [f, b, t] = [front, back, total] as (number | undefined)[];
  const parts: Partial<Record<Part, number>> = {};
  if (f !== undefined) parts.frontGross = f;
  if (b !== undefined) parts.backGross = b;
  if (t !== undefined) parts.totalGross = t;
  if (f === undefined && b !== undefined && t !== undefined)
    return { parts: { ...parts, frontGross: t - b }, derived: 'frontGross' };
  if (b === undefined && f !== undefined && t !== undefined)
    return { parts: { ...parts, backGross: t - f }, derived: 'backGross' };
  if (t === undefined && f !== undefined && b !== undefined)
    return { parts: { ...parts, totalGross: f + b }, derived: 'totalGross' };
  return { parts };
}

/**
 * gross: one part of a deal's gross profit in cents, read from `from: [front, back, total, ...]`
 * and derived from the other two when the export leaves it out; `part: derived` names the part
 * that was derived (for the record's `grossDerived`).
 */
export const gross = defineTransform({
  name: 'gross',
  summary:
    'Front, back or total gross in cents from [front, back, total, ...back alternatives]; a missing part is derived.',
  options: z.strictObject({
    part: z
      .enum(['front', 'back', 'total', 'derived'])
      .describe('The part to write, or `derived`: which part was derived.'),
    decimals: z
      .number()
      .int()
      .min(0)
      .max(4)
      .default(2)
      .describe('Minor unit decimals (2 for USD).'),
  }),
  idempotent: false,
  create: (o) => {
    const forward: Step = (v) => {
      const g = grossParts(Array.isArray(v) ? v : [v], o.decimals);
      if (g instanceof Invalid) return g;
      return o.part === 'derived' ? g.derived : g.parts[`${o.part}Gross` as Part];
    };
    return { forward };
  },
});
