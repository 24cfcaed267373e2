import type { Contact } from './customer.ts';

/** The keys by which two records are recognised as the same person. */
export interface IdentityKeys {
  /** Normalized email (trimmed, lower case). */
  email?: string;
  /** Phone in E.164. */
  phone?: string;
  /** Last name and postal code, `doe|78701`: folded to ASCII lower case, ZIP cut to 5. */
  namePostal?: string;
}

const foldName = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/**
 * Identity keys of a person, from canonical (already normalized) contact fields. Keys that cannot
 * be formed are left out.
 * @example identityKeys({ lastName: "O'Neil", address: { postalCode: '48127-1398' } })
 *   // { namePostal: 'oneil|48127' }
 */
export function identityKeys(c: Contact): IdentityKeys {
  const keys: IdentityKeys = {};
  if (c.email) keys.email = c.email.trim().toLowerCase();
  if (c.phone ?? c.mobilePhone) keys.phone = c.phone ?? c.mobilePhone;
  const last = c.lastName ? foldName(c.lastName) : '';
  const raw = c.address?.postalCode?.replace(/\s+/g, '').toLowerCase() ?? '';
  const postal = /^\d{5}/.test(raw) ? raw.slice(0, 5) : raw;
  if (last && postal) keys.namePostal = `${last}|${postal}`;
  return keys;
}
