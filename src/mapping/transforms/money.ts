import { z } from 'zod';

import { defineTransform, Invalid, type Step } from './types.ts';

// Currency signs and codes around an amount, and spaces (inside "1 234" too).
const MONEY_NOISE = /[$€£¥\s]|\b(?:USD|CAD|EUR|GBP)\b/gi;
const GROUPED = /^\d{1,3}(,\d{3})+(\.\d*)?$/;
const DECIMAL = /^(\d*)(?:\.(\d*))?$/;

/** Largest amount accepted, in minor units: every integer up to it is exact in a double. */
const MAX_MINOR = Number.MAX_SAFE_INTEGER;

/** How the source writes an amount: major units (dollars), minor units (cents), or micros. */
export type MoneyUnit = 'major' | 'minor' | 'micros';

/**
 * Parses a money amount into integer minor units (cents when `decimals` is 2), exactly: the
 * digits are read as text, never multiplied as a float. Takes `1234.5`, `"$1,234.56"`,
 * `"(123.45)"` and `"123.45-"` (accounting negatives), `"-$5"`, `"USD 10"`; more decimals than the
 * currency has round half away from zero (`"0.125"` → 13). `unit: 'micros'` reads an integer of
 * millionths (Google's `cost_micros`), `'minor'` an integer already in minor units.
 * @returns the integer amount, or `undefined` when it is not an amount or too large to be exact.
 */
export function parseMinorUnits(
  v: unknown,
  decimals = 2,
  unit: MoneyUnit = 'major',
): number | undefined {
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    // The shortest text that reads back as this double: what the system meant to write.
    s = Math.abs(v) < 1e21 ? String(v) : '';
    if (/e/i.test(s)) s = v.toFixed(20).replace(/0+$/, '');
  } else if (typeof v === 'string') s = v.replace(MONEY_NOISE, '');
  else return undefined;
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) [s, negative] = [s.slice(1, -1), true];
  else if (s.endsWith('-')) [s, negative] = [s.slice(0, -1), true];
  if (s.startsWith('-') || s.startsWith('+'))
    [s, negative] = [s.slice(1), negative !== s.startsWith('-')];
  if (GROUPED.test(s)) s = s.replace(/,/g, '');
  const m = DECIMAL.exec(s);
  if (!m || (m[1] === '' && !m[2])) return undefined;
  const shift = unit === 'major' ? decimals : unit === 'minor' ? 0 : decimals - 6;
  const n = shiftDigits(m[1]!, m[2] ?? '', shift);
  if (n === undefined || n > MAX_MINOR) return undefined;
  return negative && n !== 0 ? -n : n;
}

/** `int.frac` × 10^shift as an integer, rounded half away from zero, by digits. */
function shiftDigits(int: string, frac: string, shift: number): number | undefined {
  let digits = int + frac;
  let point = int.length + shift; // digits before the decimal point after shifting
  if (point > digits.length) digits = digits.padEnd(point, '0');
  if (point < 0) [digits, point] = ['0'.repeat(-point) + digits, 0];
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  if (whole.length > 16) return undefined;
  const up = (digits.charCodeAt(point) || 48) >= 53; // the next digit is 5 or more
  return Number(whole) + (up ? 1 : 0);
}

/**
 * Writes integer minor units as major-unit text with exactly `decimals` decimals, by digits:
 * 123456 → `"1234.56"`, -5 → `"-0.05"`.
 */
export function formatMajorUnits(minor: number, decimals = 2): string {
  const neg = minor < 0;
  const digits = String(Math.abs(minor)).padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  const frac = decimals ? `.${digits.slice(digits.length - decimals)}` : '';
  return `${neg ? '-' : ''}${int}${frac}`;
}

const decimals = z
  .number()
  .int()
  .min(0)
  .max(4)
  .default(2)
  .describe('Minor unit decimals (2 for USD).');
const outAs = z
  .enum(['number', 'string'])
  .default('number')
  .describe('Major units written as a number (1234.56) or as text ("1234.56").');

const toMinor =
  (d: number, unit: MoneyUnit): Step =>
  (v) =>
    parseMinorUnits(v, d, unit) ??
    new Invalid(
      `not a money amount: ${JSON.stringify(v)} (expected e.g. 1234.56, $1,234.56 or (123.45))`,
    );
const toMajor =
  (d: number, as: 'number' | 'string'): Step =>
  (v) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      return new Invalid(
        `not an amount in minor units (an integer of cents): ${JSON.stringify(v)}`,
      );
    const text = formatMajorUnits(v, d);
    return as === 'string' ? text : Number(text);
  };

/** currency: a money amount from the system into integer minor units (cents); out: major units. */
export const currency = defineTransform({
  name: 'currency',
  summary:
    'Parse a money amount ("$2,072.50", "(123.45)") exactly into integer cents; out: major units.',
  options: z.strictObject({
    decimals,
    unit: z
      .enum(['major', 'minor', 'micros'])
      .default('major')
      .describe('How the system writes amounts: major units, minor units, or micros.'),
    outAs,
  }),
  idempotent: false,
  create: (o) => ({ forward: toMinor(o.decimals, o.unit), inverse: toMajor(o.decimals, o.outAs) }),
});

/** majorUnits: canonical cents to the major units a system wants (for out-only fields). */
export const majorUnits = defineTransform({
  name: 'majorUnits',
  summary: 'Write integer cents as major units (123456 → 1234.56) for systems that take dollars.',
  options: z.strictObject({ decimals, outAs }),
  idempotent: false,
  create: (o) => ({ forward: toMajor(o.decimals, o.outAs), inverse: toMinor(o.decimals, 'major') }),
});
