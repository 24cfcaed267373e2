import { z } from 'zod';

import { asString, defineTransform, identity, Invalid } from './types.ts';

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;
// Transliteration and position weights of the North American check digit (49 CFR 565.15).
const VALUE: Record<string, number> = {};
'0123456789'.split('').forEach((d, i) => (VALUE[d] = i));
'ABCDEFGH'.split('').forEach((c, i) => (VALUE[c] = i + 1));
'JKLMN'.split('').forEach((c, i) => (VALUE[c] = i + 1));
VALUE.P = 7;
VALUE.R = 9;
'STUVWXYZ'.split('').forEach((c, i) => (VALUE[c] = i + 2));
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** The check digit (position 9) a VIN should carry: `0`-`9` or `X`. */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += VALUE[vin[i]!]! * WEIGHTS[i]!;
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

/**
 * Normalizes a VIN (upper case, spaces and dashes removed) and validates it: 17 characters,
 * no I, O or Q, and (unless `checkDigit` is false) the North American check digit.
 * @returns the VIN, or the reason it is invalid.
 */
export function normalizeVin(text: string, checkDigit = true): string | Invalid {
  const v = text.toUpperCase().replace(/[\s-]/g, '');
  if (!VIN.test(v))
    return new Invalid(`invalid VIN ${JSON.stringify(text)}: need 17 characters, no I, O or Q`);
  if (checkDigit && v[8] !== vinCheckDigit(v)) {
    return new Invalid(
      `invalid VIN ${JSON.stringify(text)}: check digit should be ${vinCheckDigit(v)}`,
    );
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
