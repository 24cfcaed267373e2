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

/**
 * Normalizes a postal code: US ZIP or ZIP+4 to 5 digits (restoring leading zeros a spreadsheet
 * dropped), Canadian codes to `A1A 1A1`. `undefined` when it is neither (or not `country`).
 * @example normalizePostal('48127-1398') // '48127'
 */
export function normalizePostal(
  v: unknown,
  country: 'auto' | 'US' | 'CA' = 'auto',
): string | undefined {
  const text = String(v).trim();
  // The common case, read without regular expressions; what it accepts the US pattern accepts.
  if (country !== 'CA' && isPlainZip(text)) return text.slice(0, 5);
  const s = text.toUpperCase().replace(/\s+/g, ' ');
  if (country !== 'CA') {
    if (typeof v === 'number' && /^\d{3,4}$/.test(s)) return s.padStart(5, '0');
    const us = US.exec(s.replace(/\s/g, ''));
    if (us) return us[1];
  }
  if (country !== 'US') {
    const ca = CA.exec(s.replace(/-/g, ' ').replace(/\s+/g, ' '));
    if (ca) return `${ca[1]} ${ca[2]}`;
  }
  return undefined;
}

/** Postal code: US ZIP+4 to 5, Canada A1A 1A1. */
export const postal = defineTransform({
  name: 'postal',
  summary: 'Normalize a postal code: US ZIP or ZIP+4 to 5 digits, Canada to A1A 1A1.',
  options: z.strictObject({
    country: z.enum(['auto', 'US', 'CA']).default('auto').describe('Accept US, CA or either.'),
  }),
  idempotent: true,
  create: (o) => ({
    forward: (v) =>
      normalizePostal(v, o.country) ?? new Invalid(`invalid postal code ${JSON.stringify(v)}`),
    inverse: identity,
  }),
});
