import { z } from 'zod';

import { asString, defineTransform, identity, Invalid } from './types.ts';

// Transliteration and position weights of the North American check digit (49 CFR 565.15), by
// character code; NaN for what a VIN cannot hold (I, O, Q, lower case, anything else).
const VALUE = new Float64Array(128).fill(NaN);
const setValues = (chars: string, first: number) =>
  [...chars].forEach((c, i) => (VALUE[c.charCodeAt(0)] = first + i));
setValues('0123456789', 0);
setValues('ABCDEFGH', 1);
setValues('JKLMN', 1);
setValues('P', 7);
setValues('R', 9);
setValues('STUVWXYZ', 2);
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const SEPARATORS = /[\s-]/g;

/** The weighted sum of the first 17 characters; NaN when one is missing or cannot be in a VIN. */
function weightedSum(vin: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin.charCodeAt(i);
    sum += (c < 128 ? VALUE[c]! : NaN) * WEIGHTS[i]!;
  }
  return sum;
}

/** The weighted sum of a VIN; NaN unless it is 17 characters without I, O or Q. */
const vinSum = (v: string) => (v.length === 17 ? weightedSum(v) : NaN);

const digitOf = (sum: number) => {
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
};

/** The check digit (position 9) a VIN should carry: `0`-`9` or `X`. */
export const vinCheckDigit = (vin: string): string => digitOf(weightedSum(vin));

/**
 * Normalizes a VIN (upper case, spaces and dashes removed) and validates it: 17 characters,
 * no I, O or Q, and (unless `checkDigit` is false) the North American check digit.
 * @returns the VIN, or the reason it is invalid.
 */
export function normalizeVin(text: string, checkDigit = true): string | Invalid {
  let v = text.toUpperCase();
  let sum = vinSum(v);
  // A valid VIN has no separators to remove, so the replace only runs when the check fails.
  if (Number.isNaN(sum)) sum = vinSum((v = v.replace(SEPARATORS, '')));
  if (Number.isNaN(sum))
    return new Invalid(`invalid VIN ${JSON.stringify(text)}: need 17 characters, no I, O or Q`);
  const digit = digitOf(sum);
  if (checkDigit && v[8] !== digit) {
    return new Invalid(`invalid VIN ${JSON.stringify(text)}: check digit should be ${digit}`);
  }
  return v;
}

/** VIN: 17 characters with check digit. */
export const vin = defineTransform({
  name: 'vin',
  summary: 'Validate a VIN: 17 characters, no I/O/Q, check digit; upper case.',
  options: z.strictObject({
    checkDigit: z
      .boolean()
      .default(true)
      .describe('Verify the North American check digit (turn off for non-North American VINs).'),
  }),
  idempotent: true,
  create: (o) => ({
    forward: (v) => {
      const s = asString(v);
      return s instanceof Invalid ? s : normalizeVin(s, o.checkDigit);
    },
    inverse: identity,
  }),
});
