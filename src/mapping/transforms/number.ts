import { z } from 'zod';

import { defineTransform, Invalid, type Step } from './types.ts';

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
const MONEY_NOISE = /[$€£¥\s]|\b(?:USD|CAD|EUR|GBP)\b/gi;

/**
 * Parses a number from a number or text: `1,234.50`, ` 12 `, `(12.50)` (accounting negative),
 * `12-` (trailing minus); with `money`, also `$1,234.50` and `USD 10`.
 * @returns the number, or `undefined` when it is not one.
 */
export function parseNumber(v: unknown, money = false): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  let s = money ? v.replace(MONEY_NOISE, '') : v.trim();
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) [s, negative] = [s.slice(1, -1), true];
  else if (s.endsWith('-')) [s, negative] = [s.slice(0, -1), true];
  if (GROUPED.test(s)) s = s.replace(/,/g, '');
  if (!NUMERIC.test(s)) return undefined;
  const n = Number(s);
  return negative ? -n : n;
}

const round = (n: number, decimals: number | undefined): number => {
  if (decimals === undefined) return n;
  const f = 10 ** decimals;
  return Math.round((n + Number.EPSILON * Math.sign(n)) * f) / f;
};

function numberTransform(money: boolean) {
  return (o: { decimals?: number; outAs: 'number' | 'string' }) => {
    const forward: Step = (v) => {
      const n = parseNumber(v, money);
      return n === undefined
        ? new Invalid(`not a ${money ? 'money amount' : 'number'}: ${JSON.stringify(v)}`)
        : round(n, o.decimals);
    };
    const inverse: Step =
      o.outAs === 'number'
        ? (v) => v
        : (v) => (o.decimals === undefined ? String(v) : (v as number).toFixed(o.decimals));
    return { forward, inverse };
  };
}

const outAs = z.enum(['number', 'string']).describe('Out direction: write a number or text.');

/** number: parse a number. */
export const number = defineTransform({
  name: 'number',
  summary: 'Parse a number ("1,234.5", "(12)" is -12); optionally round.',
  options: z.strictObject({
    decimals: z
      .number()
      .int()
      .min(0)
      .max(10)
      .optional()
      .describe('Round to this many decimals (0: integer).'),
    outAs: outAs.default('number'),
  }),
  idempotent: true,
  create: numberTransform(false),
});

const TRUE = new Set(['true', 'yes', 'y', '1', 'on', 't', 'x', 'checked', 'opt-in', 'opted in']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', 'f', 'unchecked', 'opt-out', 'opted out']);

/** boolean: yes/no, 1/0, true/false and friends to a boolean. */
export const boolean = defineTransform({
  name: 'boolean',
  summary: 'Read yes/no, y/n, 1/0, true/false, on/off as a boolean.',
  options: z.strictObject({
    outTrue: z
      .union([z.string(), z.boolean(), z.number()])
      .default(true)
      .describe('Out value for true.'),
    outFalse: z
      .union([z.string(), z.boolean(), z.number()])
      .default(false)
      .describe('Out value for false.'),
  }),
  idempotent: true,
  create: (o) => ({
    forward: (v) => {
      if (typeof v === 'boolean') return v;
      const s = String(v).trim().toLowerCase();
      if (TRUE.has(s)) return true;
      return FALSE.has(s) ? false : new Invalid(`not a yes/no value: ${JSON.stringify(v)}`);
    },
    inverse: (v) => (v ? o.outTrue : o.outFalse),
  }),
});
