import { z } from 'zod';

import { defineTransform, identity, Invalid } from './types.ts';

const isDigit = (c: number) => c >= 48 && c <= 57;

const US = /^(\d{5})(?:-?\d{4})?$/;
// Canadian postal codes: letter-digit-letter digit-letter-digit; D F I O Q U never appear and
// W Z never lead (Canada Post addressing guidelines).
const CA = /^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPR-TV-Z]) ?(\d[ABCEGHJ-NPR-TV-Z]\d)$/;

/** True when `s` is a ZIP or ZIP+4 as most systems hold it: `12345`, `12345-6789` or `123456789`. */
function isPlainZip(s: string): boolean {
  const n = s.length;
  if (n !== 5 && n !== 9 && n !== 10) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (i === 5 && n === 10 ? c !== 45 : !isDigit(c)) return false;
  }
  return true;
}

/** A US ZIP as `12345` or ZIP+4 as `12345-6789`, or only the 5 digits when `zip5`. */
function zip(text: string, zip5: boolean): string {
  const digits = text.replace(/\D/g, '');
  return zip5 || digits.length === 5
    ? digits.slice(0, 5)
    : `${digits.slice(0, 5)}-${digits.slice(5)}`;
}

/**
 * Normalizes a postal code: a US ZIP to 5 digits (restoring leading zeros a spreadsheet dropped)
 * and a ZIP+4 to `12345-6789` (kept whole: the 5-digit form matching uses is derived where it
 * is needed, `canonical/identity.ts`), or to 5 digits with `zip5`; Canadian codes to `A1A 1A1`.
 * `undefined` when it is neither (or not `country`).
 * @example normalizePostal('481271398') // '48127-1398'
 */
export function normalizePostal(
  v: unknown,
  country: 'auto' | 'US' | 'CA' = 'auto',
  zip5 = false,
): string | undefined {
  const text = String(v).trim();
  // The common case, read without regular expressions; what it accepts the US pattern accepts.
  if (country !== 'CA' && isPlainZip(text)) return zip(text, zip5);
  const s = text.toUpperCase().replace(/\s+/g, ' ');
  if (country !== 'CA') {
    if (typeof v === 'number' && /^\d{3,4}$/.test(s)) return s.padStart(5, '0');
    const us = US.exec(s.replace(/\s/g, ''));
    if (us) return zip(us[0], zip5);
  }
  if (country !== 'US') {
    const ca = CA.exec(s.replace(/-/g, ' ').replace(/\s+/g, ' '));
    if (ca) return `${ca[1]} ${ca[2]}`;
  }
  return undefined;
}

/** Postal code: US ZIP, ZIP+4 kept as `12345-6789` (or cut to 5), Canada A1A 1A1. */
export const postal = defineTransform({
  name: 'postal',
  summary: 'Normalize a postal code: US ZIP, ZIP+4 as 12345-6789 (zip5: 5 digits), Canada A1A 1A1.',
  options: z.strictObject({
    country: z.enum(['auto', 'US', 'CA']).default('auto').describe('Accept US, CA or either.'),
    zip5: z.boolean().default(false).describe('Cut a ZIP+4 to its 5 digits.'),
  }),
  idempotent: true,
  create: (o) => ({
    forward: (v) =>
      normalizePostal(v, o.country, o.zip5) ??
      new Invalid(`invalid postal code ${JSON.stringify(v)}`),
    inverse: identity,
  }),
});
