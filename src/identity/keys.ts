import type { Contact } from '../canonical/customer.ts';

/** The keys by which two records are recognised as the same person (README "Identity rules"). */
export interface IdentityKeys {
  /** Strong: normalized email (trimmed, lower case). */
  email?: string;
  /** Strong: each E.164 phone of the record (`phone`, then `mobilePhone`), without repeats. */
  phones: string[];
  /** Weak: `first|last|postal`, each normalized; absent for business buyers. */
  namePostal?: string;
  /** Normalized first name, used to tell apart people who share a phone or an email. */
  firstName?: string;
}

const PLAIN_NAME = /^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$/;

/**
 * A name as identity compares it: accents removed, lower case, hyphens as spaces, other
 * punctuation dropped, inner spaces kept (one), ends trimmed.
 * @example normalizeName(' Van der  Bérg ') // 'van der berg'
 * @example normalizeName("O'Neil-Smith") // 'oneil smith'
 */
export function normalizeName(s: string): string {
  // Words of ASCII letters and digits one space apart (most names) only lose their capitals.
  if (PLAIN_NAME.test(s)) return s.toLowerCase();
  // NFKD changes no ASCII text and leaves it no accents to drop: skipped for it (most names).
  const plain = /^[\x20-\x7e]*$/.test(s) ? s : s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return plain
    .toLowerCase()
    .replace(/[-\u2010-\u2015_]/g, ' ')
    .replace(/[^a-z0-9 ]/g, '')
    .replace(/ +/g, ' ')
    .trim();
}

/**
 * A postal code as the weak key uses it: the first 5 digits of a US ZIP or ZIP+4; any other code
 * (Canada's `K1A 0B1`) lower case without spaces; undefined when there is none.
 */
export function normalizePostal(raw: string | undefined): string | undefined {
  const s = raw?.replace(/\s+/g, '').toLowerCase() ?? '';
  if (!s) return undefined;
  return /^\d{5}/.test(s) ? s.slice(0, 5) : s;
}

/** Normalized email: trimmed, lower case. */
export const normalizeEmail = (e: string): string => e.trim().toLowerCase();

/** Whether a contact is a business buyer: flagged, or a company name without a person's name. */
export const isBusinessContact = (c: Contact): boolean =>
  c.isBusiness === true || (!!c.companyName && !c.firstName && !c.lastName);

/**
 * Identity keys of a contact, from canonical (already normalized) fields. Keys that cannot be
 * formed are left out; a business buyer gets strong keys only.
 * @example identityKeys({ firstName: 'Ann', lastName: "O'Neil", address: { postalCode: '48127-1398' } })
 *   // { phones: [], namePostal: 'ann|oneil|48127', firstName: 'ann' }
 */
export function identityKeys(c: Contact): IdentityKeys {
  const keys: IdentityKeys = { phones: [] };
  if (c.email) keys.email = normalizeEmail(c.email);
  if (c.phone) keys.phones.push(c.phone);
  if (c.mobilePhone && c.mobilePhone !== c.phone) keys.phones.push(c.mobilePhone);
  if (isBusinessContact(c)) return keys;
  const first = c.firstName ? normalizeName(c.firstName) : '';
  const last = c.lastName ? normalizeName(c.lastName) : '';
  const postal = normalizePostal(c.address?.postalCode);
  if (first) keys.firstName = first;
  if (first && last && postal) keys.namePostal = `${first}|${last}|${postal}`;
  return keys;
}
