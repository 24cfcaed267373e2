import { createHash } from 'node:crypto';

import type { GoogleAdsSettings } from './settings.ts';

const GMAIL = /^(gmail|googlemail)\.com$/;

/** Lower-case hex SHA-256 of UTF-8 text, as Google wants hashed identifiers (docs/vendors.md (Google Ads), googleads/google-ads-python `examples/remarketing/upload_enhanced_conversions_for_leads.py`). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * An email as Google hashes it (docs/vendors.md (Google Ads)): trimmed and lower-cased; then, by the
 * `emailNormalization` setting, '.' removed from the local part of gmail.com / googlemail.com
 * addresses only (the documented rule, developers.google.com/google-ads/api/docs/conversions/enhance-conversions, and the official sample's `normalize_and_hash_email_address`),
 * or '.' and '+' removed from every local part (the current official EC-for-leads sample, googleads/google-ads-python `examples/remarketing/upload_enhanced_conversions_for_leads.py`).
 * Null when it is not an address.
 */
export function normalizeEmail(
  email: string,
  rule: GoogleAdsSettings['emailNormalization'] = 'gmail-dots',
): string | null {
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf('@');
  if (at <= 0 || at === e.length - 1 || /\s/.test(e)) return null;
  let local = e.slice(0, at);
  const domain = e.slice(at + 1);
  if (rule === 'all-dots-and-plus') local = local.replace(/[.+]/g, '');
  else if (GMAIL.test(domain)) local = local.replace(/\./g, '');
  return local ? `${local}@${domain}` : null;
}

/**
 * A phone as Google hashes it: E.164 with its leading '+' (docs/vendors.md (Google Ads), googleapis `…/v22/common/offline_user_data.proto`/developers.google.com/google-ads/api/docs/conversions/enhance-conversions), spaces, dashes,
 * dots and parentheses removed (the official sample keeps inner spaces; Google's rule is E.164).
 * Null when what is left is not E.164.
 */
export function normalizePhone(phone: string): string | null {
  const p = phone.trim().replace(/[\s\-().]/g, '');
  return /^\+[1-9]\d{6,14}$/.test(p) ? p : null;
}
