import { z } from 'zod';

import { formatMajorUnits } from '../../src/mapping/transforms/money.ts';
import type { SinkResult, SystemRecord } from '../../src/sdk/connector.ts';
import { MAX_USER_IDENTIFIERS, USER_IDENTIFIER_SOURCE } from './constants.ts';
import { normalizeEmail, normalizePhone, sha256Hex } from './hashing.ts';
import type { GoogleAdsSettings } from './settings.ts';

/**
 * What the `click-conversions` sink takes (mappings/google-ads-conversions.yaml writes it from a
 * canonical `conversion`): the order id, the click id and its kind, the time with its offset, the
 * value in cents, and the person's UNHASHED email and phone (hashed here, docs/vendors.md (Google Ads)).
 */
export const ConversionInput = z
  .object({
    orderId: z.string().min(1).describe('Order id: the DMS deal number'),
    kind: z.enum(['click', 'enhanced_lead']).optional(),
    clickIdType: z.enum(['gclid', 'gbraid', 'wbraid']).optional(),
    clickId: z.string().min(1).optional(),
    conversionDateTime: z.iso.datetime({ offset: true, local: false }),
    valueCents: z.number().int().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
      .optional(),
    user: z
      .object({ email: z.string().optional(), phone: z.string().optional() })
      .loose()
      .optional(),
  })
  .loose();
/** A parsed sink input. */
export type ConversionInput = z.output<typeof ConversionInput>;

/** A ClickConversion as the REST API takes it (docs/vendors.md (Google Ads), proto3 JSON names). */
export type ClickConversion = Record<string, unknown>;

const ISO =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * `conversionDateTime` exactly as Google wants it, `yyyy-mm-dd hh:mm:ss+|-hh:mm` (docs/vendors.md (Google Ads),
 * G1), from an ISO 8601 time, keeping its offset (the tenant's): `2025-06-21T12:00:00-05:00` →
 * `2025-06-21 12:00:00-05:00`; `Z` is `+00:00`; fractions of a second are dropped.
 */
export function conversionDateTime(iso: string): string | null {
  const m = ISO.exec(iso.trim());
  if (!m) return null;
  const [, date, hh, mm, ss = '00', zone] = m;
  let offset = zone!.toUpperCase() === 'Z' ? '+00:00' : zone!.replace(':', '');
  if (offset.length === 3) offset += '00';
  if (offset.length === 5) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`;
  return `${date} ${hh}:${mm}:${ss}${offset}`;
}

/** Minor-unit decimals of a currency (2 for USD, 0 for JPY), from the platform's ICU data. */
function decimalsOf(currency: string | undefined): number {
  if (!currency) return 2;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits!;
}

const fail = (reason: string, field: string): { failure: SinkResult } => ({
  failure: { ok: false, retryable: false, reason, field },
});

/** The hashed `userIdentifiers` of a conversion (one identifier per object: a oneof, §1.2 G7). */
function identifiersOf(
  user: ConversionInput['user'],
  rule: GoogleAdsSettings['emailNormalization'],
): { ids: Record<string, string>[] } | { failure: SinkResult } {
  const ids: Record<string, string>[] = [];
  if (user?.email !== undefined) {
    const email = normalizeEmail(user.email, rule);
    if (!email) return fail('not an email address', 'user.email');
    ids.push({ userIdentifierSource: USER_IDENTIFIER_SOURCE, hashedEmail: sha256Hex(email) });
  }
  if (user?.phone !== undefined) {
    const phone = normalizePhone(user.phone);
    if (!phone) return fail('not an E.164 phone number (e.g. +18005550102)', 'user.phone');
    ids.push({ userIdentifierSource: USER_IDENTIFIER_SOURCE, hashedPhoneNumber: sha256Hex(phone) });
  }
  return { ids: ids.slice(0, MAX_USER_IDENTIFIERS) };
}

/**
 * Builds the ClickConversion of one sink input, or the reason it cannot go (quarantined, with the
 * field). The value is the record's (or the `fixedValueCents` setting), in major units of its
 * currency; identifiers go on enhanced conversions for leads (no click id), and on click
 * conversions too when `userIdentifiers` is `always`.
 */
export function buildConversion(
  s: GoogleAdsSettings,
  conversionAction: string,
  record: SystemRecord,
): { conversion: ClickConversion; orderId: string } | { failure: SinkResult } {
  const parsed = ConversionInput.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(issue.message, issue.path.map(String).join('.') || '(record)');
  }
  const r = parsed.data;
  const at = conversionDateTime(r.conversionDateTime);
  if (!at) return fail('not an ISO 8601 time with an offset', 'conversionDateTime');
  if ((r.clickId === undefined) !== (r.clickIdType === undefined))
    return fail('clickId and clickIdType go together', r.clickId ? 'clickIdType' : 'clickId');
  const enhanced = r.kind === 'enhanced_lead' || r.clickId === undefined;
  const ids =
    enhanced || s.userIdentifiers === 'always'
      ? identifiersOf(r.user, s.emailNormalization)
      : { ids: [] };
  if ('failure' in ids) return ids;
  if (!r.clickId && ids.ids.length === 0)
    return fail(
      'needs a click id (gclid, gbraid or wbraid) or the email or phone of the person',
      'clickId',
    );
  const cents = s.fixedValueCents ?? r.valueCents;
  const currency =
    s.fixedValueCents !== undefined ? s.currencyCode : (r.currency ?? s.currencyCode);
  const conversion: ClickConversion = {
    conversionAction,
    conversionDateTime: at,
    orderId: r.orderId,
    ...(r.clickId && r.clickIdType ? { [r.clickIdType]: r.clickId } : {}),
    ...(cents !== undefined
      ? { conversionValue: Number(formatMajorUnits(cents, decimalsOf(currency))) }
      : {}),
    ...(cents !== undefined && currency ? { currencyCode: currency } : {}),
    ...(ids.ids.length ? { userIdentifiers: ids.ids } : {}),
    ...(s.adUserDataConsent ? { consent: { adUserData: s.adUserDataConsent } } : {}),
  };
  return { conversion, orderId: r.orderId };
}
