import { createHash } from 'node:crypto';

import { z } from 'zod';

import { asString, defineTransform, Invalid } from './types.ts';

const HEX64 = /^[a-f0-9]{64}$/;
const FIELDS = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'street',
  'city',
  'state',
  'zip',
  'country',
  'gender',
  'dob',
  'externalId',
] as const;
type Kind = (typeof FIELDS)[number];
type Normalize = (s: string) => string | undefined;

const lower = (s: string) => s.trim().toLowerCase();

// Google Ads enhanced conversions (docs/vendors.md (Google Ads); developers.google.com/google-ads/api/
// docs/conversions/enhance-conversions): trim and lower-case; phones E.164 with "+", inner spaces
// stripped. Emails: the docs say remove "." and "+suffix" in the local part of every address,
// while Google's own samples (Java, C#, PHP, Ruby, Perl) remove dots only for gmail.com /
// googlemail.com and keep "+suffix" (googleads/google-ads-php issue #1119). Decision: default to
// the samples' gmail-only rule; `emailRule: all` applies the docs' rule.
function googleEmail(rule: 'gmail' | 'all'): Normalize {
  return (s) => {
    const e = lower(s);
    const at = e.lastIndexOf('@');
    if (at < 1) return undefined;
    let local = e.slice(0, at);
    const domain = e.slice(at + 1);
    if (rule === 'all') local = local.replace(/\+.*$/, '').replace(/\./g, '');
    else if (domain === 'gmail.com' || domain === 'googlemail.com')
      local = local.replace(/\./g, '');
    return `${local}@${domain}`;
  };
}

const GOOGLE: Partial<Record<Kind, Normalize>> = {
  // Needs E.164 already (run the phone transform first): digits alone could lack the country.
  phone: (s) => {
    const e = s.replace(/[\s()-]/g, '');
    return /^\+\d{7,15}$/.test(e) ? e : undefined;
  },
  firstName: lower,
  lastName: lower,
  street: lower,
};

// Meta Conversions API user_data (docs/vendors.md (Meta): developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters customer-information-parameters,
// facebook-nodejs-business-sdk `src/objects/serverside/utils.js` facebook-nodejs-business-sdk utils.js): em trim+lower; ph digits only with country code and
// no leading zeros, 7-15 digits; fn/ln lower, no punctuation; ct/st lower without digits, spaces
// and ( ) . -; zp lower, no spaces, part before "-"; country 2 letters; ge f/m; db YYYYMMDD.
const META: Record<Kind, Normalize> = {
  email: lower,
  phone: (s) => {
    const d = s.replace(/\D/g, '').replace(/^0+/, '');
    return d.length >= 7 && d.length <= 15 ? d : undefined;
  },
  firstName: (s) => lower(s).replace(/[\p{P}\p{S}]/gu, ''),
  lastName: (s) => lower(s).replace(/[\p{P}\p{S}]/gu, ''),
  street: lower,
  city: (s) => lower(s).replace(/[0-9\s().-]/g, ''),
  state: (s) => lower(s).replace(/[0-9\s().-]/g, ''),
  zip: (s) => lower(s).replace(/\s/g, '').split('-')[0] || undefined,
  country: (s) => (/^[a-z]{2}$/.test(lower(s)) ? lower(s) : undefined),
  gender: (s) => ({ f: 'f', female: 'f', m: 'm', male: 'm' })[lower(s)],
  dob: (s) => (/^\d{8}$/.test(s.replace(/-/g, '')) ? s.replace(/-/g, '') : undefined),
  externalId: (s) => s.trim(),
};

/** Which fields each platform accepts hashed; Google does not hash country, state, city or zip. */
export const HASHABLE: Record<'google' | 'meta', readonly Kind[]> = {
  google: ['email', 'phone', 'firstName', 'lastName', 'street'],
  meta: FIELDS,
};

/** SHA-256 of UTF-8 text as lower-case hex. */
export const sha256Hex = (s: string): string =>
  createHash('sha256').update(s, 'utf8').digest('hex');

/** sha256: normalize by the ad platform's rules, then hash. */
export const sha256 = defineTransform({
  name: 'sha256',
  summary: "Normalize by an ad platform's rules (google or meta) and SHA-256 hash to hex.",
  options: z.strictObject({
    platform: z.enum(['google', 'meta']).describe('Whose normalization rules to apply.'),
    field: z.enum(FIELDS).describe('What the value is: email, phone, firstName, zip...'),
    emailRule: z
      .enum(['gmail', 'all'])
      .default('gmail')
      .describe('Google email dots: gmail (samples) or all (docs: also drops +suffix).'),
  }),
  // A value that already is a SHA-256 hex digest passes through (as Meta's SDK does), so hashing
  // twice cannot happen.
  idempotent: true,
  create: (o) => {
    const hashOf = identifierHasher(o.platform, o.field, o.emailRule);
    return {
      forward: (v) => {
        const s = asString(v);
        if (s instanceof Invalid) return s;
        return (
          hashOf(s) ??
          new Invalid(`cannot normalize ${o.field} ${JSON.stringify(s)} for ${o.platform}`)
        );
      },
    };
  },
});

/** What an identifier is, for `identifierHasher`: email, phone, firstName, zip... */
export type IdentifierKind = Kind;

/**
 * Normalizes an identifier by an ad platform's rules and SHA-256 hashes it (lower-case hex); a
 * value that already is a SHA-256 hex digest passes through; undefined when the value cannot be
 * normalized (e.g. a phone of 5 digits). Shared by the `sha256` transform and the connector sinks
 * that hash at their edge (Meta CAPI `user_data`, Google enhanced conversions).
 * @throws Error when the platform does not take that identifier hashed (Google: city, state, zip).
 * @example identifierHasher('meta', 'email')(' John_Smith@gmail.com') // '62a14e44…0f62f'
 */
export function identifierHasher(
  platform: 'google' | 'meta',
  field: IdentifierKind,
  emailRule: 'gmail' | 'all' = 'gmail',
): (value: string) => string | undefined {
  const normalize =
    platform === 'meta' ? META[field] : field === 'email' ? googleEmail(emailRule) : GOOGLE[field];
  if (!normalize) throw new Error(`google does not take ${field} hashed; send it in clear`);
  return (s) => {
    if (HEX64.test(s)) return s;
    const n = normalize(s);
    return n ? sha256Hex(n) : undefined;
  };
}
