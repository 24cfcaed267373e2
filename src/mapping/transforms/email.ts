import { z } from 'zod';

import { asString, defineTransform, identity, Invalid } from './types.ts';

// The same pattern the canonical schema checks with (zod's `z.email()`), so a normalized email
// always passes the canonical entity.
const EMAIL = z.regexes.email;

/**
 * Normalizes an email address: trims, drops a `mailto:` prefix, lower-cases; `undefined` when it
 * is not a valid address.
 * @example normalizeEmail(' Jane.Doe@Example.COM ') // 'jane.doe@example.com'
 */
export function normalizeEmail(text: string): string | undefined {
  let s = text.trim().toLowerCase();
  if (s.startsWith('mailto:')) s = s.slice(7);
  return EMAIL.test(s) ? s : undefined;
}

/** Email: normalize and validate. */
export const email = defineTransform({
  name: 'email',
  summary: 'Normalize an email address (trim, lower case) and reject invalid ones.',
  options: z.strictObject({}),
  idempotent: true,
  create: () => ({
    forward: (v) => {
      const s = asString(v);
      if (s instanceof Invalid) return s;
      return normalizeEmail(s) ?? new Invalid(`invalid email address ${JSON.stringify(s)}`);
    },
    inverse: identity,
  }),
});
