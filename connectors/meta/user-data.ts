import { identifierHasher, type IdentifierKind } from '../../src/mapping/transforms/hash.ts';

/**
 * `user_data` keys Meta takes hashed, with what each one is (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters/facebook-nodejs-business-sdk `src/objects/serverside/utils.js`): normalized by
 * Meta's rules and SHA-256 hashed here, at the sink's edge; the hub keeps them in clear.
 */
const HASHED: Record<string, IdentifierKind> = {
  em: 'email',
  ph: 'phone',
  fn: 'firstName',
  ln: 'lastName',
  ct: 'city',
  st: 'state',
  zp: 'zip',
  country: 'country',
  ge: 'gender',
  db: 'dob',
  external_id: 'externalId',
};
/** Keys Meta takes in clear (docs/vendors.md (Meta)): `lead_id` (developers.facebook.com/documentation/ads-commerce/conversions-api/conversion-leads-integration/payload-specification), click and browser ids, IP and agent. */
const CLEAR = new Set(['lead_id', 'fbc', 'fbp', 'client_ip_address', 'client_user_agent']);

const hashers = new Map(
  Object.entries(HASHED).map(([key, kind]) => [key, identifierHasher('meta', kind)]),
);

/** A `user_data` object ready to send, or the key that could not be used and why. */
export type UserDataResult =
  { ok: true; userData: Record<string, string> } | { ok: false; field: string; reason: string };

/**
 * The wire `user_data` of an event from the mapped one (clear values): every identifier Meta
 * takes hashed is normalized and SHA-256 hashed, `lead_id` and the other clear keys pass as they
 * are. A value that cannot be normalized, or an unknown key, refuses the event (naming the key)
 * rather than sending it without that identifier unnoticed.
 */
export function wireUserData(mapped: Record<string, unknown> | undefined): UserDataResult {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(mapped ?? {})) {
    if (raw === undefined || raw === null || raw === '') continue;
    const value = typeof raw === 'number' ? String(raw) : raw;
    if (typeof value !== 'string')
      return { ok: false, field: `user_data.${key}`, reason: 'must be a string' };
    if (CLEAR.has(key)) {
      out[key] = value;
      continue;
    }
    const hash = hashers.get(key);
    if (!hash)
      return { ok: false, field: `user_data.${key}`, reason: 'not a user_data key Meta takes' };
    const hashed = hash(value);
    if (!hashed)
      return {
        ok: false,
        field: `user_data.${key}`,
        reason: `cannot be normalized as ${HASHED[key]} by Meta's rules`,
      };
    out[key] = hashed;
  }
  return { ok: true, userData: out };
}
