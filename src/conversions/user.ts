import type { ConversionUser } from '../canonical/index.ts';
import type { FlatFields } from '../records/flat.ts';

const E164 = /^\+[1-9]\d{6,14}$/;
const TWO_LETTERS = /^[A-Za-z]{2}$/;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;

/**
 * The person's identifiers for a conversion from contact fields (a customer record's own fields,
 * or `prefix` `customer.` of a lead), normalized but unhashed: email lower-cased, the first E.164
 * phone, a 2-letter state and country upper-cased. Values that are not what the field says are
 * left out (the sink hashes what it gets: a wrong value would match no one, or the wrong person).
 */
export function userOf(f: FlatFields | undefined, prefix = ''): ConversionUser {
  if (!f) return {};
  const get = (k: string) => str(f[prefix + k]);
  const user: ConversionUser = {};
  const email = get('email')?.toLowerCase();
  if (email && /^[^@\s]+@[^@\s]+$/.test(email)) user.email = email;
  const phone = [get('phone'), get('mobilePhone'), get('workPhone')].find((p) => p && E164.test(p));
  if (phone) user.phone = phone;
  const first = get('firstName');
  if (first) user.firstName = first;
  const last = get('lastName');
  if (last) user.lastName = last;
  const city = get('address.city');
  if (city) user.city = city;
  const state = get('address.state');
  if (state && TWO_LETTERS.test(state)) user.state = state.toUpperCase();
  const postal = get('address.postalCode');
  if (postal) user.postalCode = postal;
  const country = get('address.country');
  if (country && TWO_LETTERS.test(country)) user.country = country.toUpperCase();
  return user;
}

/** The customer's identifiers, completed field by field from the lead's contact details. */
export function userOfPerson(customer?: FlatFields, lead?: FlatFields): ConversionUser {
  return { ...userOf(lead, 'customer.'), ...userOf(customer) };
}

/** True when the user has an email or a phone (what an enhanced conversion for leads needs). */
export function hasStrongIdentifier(u: ConversionUser): boolean {
  return !!(u.email || u.phone);
}
