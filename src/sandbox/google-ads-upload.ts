import { isSha256Hex } from './server.ts';

/** Most conversions in one upload (docs/vendors.md (Google Ads), developers.google.com/google-ads/api/docs/best-practices/quotas: TOO_MANY_CONVERSIONS_IN_REQUEST). */
export const MAX_CONVERSIONS_PER_REQUEST = 2000;
/** Most user identifiers on one conversion (docs/vendors.md (Google Ads), googleapis/googleapis `google/ads/googleads/v22/services/conversion_upload_service.proto`). */
export const MAX_USER_IDENTIFIERS = 5;
/** Click-through window of the sandbox's conversion actions (Google's default is 90 days). */
export const CLICK_WINDOW_DAYS = 90;

/** `ClickConversion` fields of the v22+ REST mapping (docs/vendors.md (Google Ads)); anything else is refused. */
const CONVERSION_FIELDS = new Set([
  'gclid',
  'gbraid',
  'wbraid',
  'conversionAction',
  'conversionDateTime',
  'conversionValue',
  'currencyCode',
  'orderId',
  'externalAttributionData',
  'customVariables',
  'cartData',
  'userIdentifiers',
  'conversionEnvironment',
  'consent',
  'customerType',
  'userIpAddress',
  'sessionAttributesEncoded',
  'sessionAttributesKeyValuePairs',
]);
/** Top-level fields of `UploadClickConversionsRequest` on v22+ (no `debugEnabled`, docs/vendors.md (Google Ads)). */
export const REQUEST_FIELDS = new Set(['conversions', 'partialFailure', 'validateOnly', 'jobId']);

/** A conversion as the sandbox keeps it once accepted. */
export interface AcceptedConversion {
  gclid?: string;
  orderId?: string;
  conversionAction: string;
  conversionDateTime: string;
  conversionValue?: number;
  currencyCode?: string;
  enhanced: boolean;
}

/** One refused row: Google's error code and message. */
export interface RowError {
  errorCode: Record<string, string>;
  message: string;
}

/** What the sandbox knows to check a row against. */
export interface UploadContext {
  customerId: string;
  /** Conversion action ids of the account. */
  actions: ReadonlySet<string>;
  /** Clicks the account saw: gclid → click time (ms). */
  clicks: ReadonlyMap<string, number>;
  /** `<actionId>|<orderId>` already recorded. */
  orders: Set<string>;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;

/** Epoch ms of `yyyy-mm-dd hh:mm:ss+hh:mm` (the offset is required, docs/vendors.md (Google Ads)), or null. */
export function conversionTime(s: unknown): number | null {
  const m = typeof s === 'string' ? DATE_TIME.exec(s) : null;
  if (!m) return null;
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7]}${m[8]}:${m[9]}`);
  return Number.isNaN(t) ? null : t;
}

const err = (kind: string, code: string, message: string): RowError => ({
  errorCode: { [kind]: code },
  message,
});

/** Why one conversion is refused (a partial failure of its row), or null when it is recorded. */
export function rowError(
  c: Record<string, unknown>,
  ctx: UploadContext,
  seenInRequest: Set<string>,
): RowError | null {
  const action = /^customers\/\d+\/conversionActions\/(\d+)$/.exec(
    String(c.conversionAction ?? ''),
  );
  if (!action || !ctx.actions.has(action[1]!))
    return err(
      'conversionUploadError',
      'INVALID_CONVERSION_ACTION',
      'The conversion action specified in the upload request cannot be found.',
    );
  const at = conversionTime(c.conversionDateTime);
  if (at === null)
    return err(
      'dateError',
      'INVALID_FIELD_VALUES_IN_DATE_TIME',
      'conversionDateTime must be "yyyy-mm-dd hh:mm:ss+|-hh:mm".',
    );
  if (c.currencyCode !== undefined && !/^[A-Z]{3}$/.test(String(c.currencyCode)))
    return err('fieldError', 'INVALID_VALUE', 'currencyCode must be an ISO 4217 code.');
  if (c.conversionValue !== undefined && typeof c.conversionValue !== 'number')
    return err('fieldError', 'INVALID_VALUE', 'conversionValue must be a number.');
  const ids = identifiersError(c.userIdentifiers);
  if (ids) return ids;
  const clickIds = ['gclid', 'gbraid', 'wbraid'].filter((k) => c[k] !== undefined);
  if (clickIds.length > 1)
    return err('fieldError', 'INVALID_VALUE', 'Set only one of gclid, gbraid and wbraid.');
  if (!clickIds.length && !Array.isArray(c.userIdentifiers))
    return err('fieldError', 'REQUIRED', 'A click id or userIdentifiers is required.');
  if (typeof c.gclid === 'string') {
    const refused = clickError(ctx, c.gclid, at);
    if (refused) return refused;
  }
  if (typeof c.orderId === 'string') {
    const key = `${action[1]}|${c.orderId}`;
    if (seenInRequest.has(key))
      return err(
        'conversionUploadError',
        'DUPLICATE_ORDER_ID',
        'The request has conversions with the same order id.',
      );
    if (ctx.orders.has(key))
      return err(
        'conversionUploadError',
        'ORDER_ID_ALREADY_IN_USE',
        'A conversion with this order id was already imported.',
      );
    seenInRequest.add(key);
  }
  return null;
}

/** A gclid's click: known to the account, before the conversion, inside the click-through window. */
function clickError(ctx: UploadContext, gclid: string, at: number): RowError | null {
  const clicked = ctx.clicks.get(gclid);
  if (clicked === undefined)
    return err(
      'conversionUploadError',
      'UNPARSEABLE_GCLID',
      'The imported gclid could not be decoded.',
    );
  if (at < clicked)
    return err(
      'conversionUploadError',
      'CONVERSION_PRECEDES_EVENT',
      'The conversion_date_time precedes the click.',
    );
  if (at - clicked > CLICK_WINDOW_DAYS * 86_400_000)
    return err(
      'conversionUploadError',
      'EXPIRED_EVENT',
      "The click occurred before this conversion's click-through window.",
    );
  return null;
}

/** `userIdentifiers`: at most 5, each exactly one hashed email or phone (a oneof, docs/vendors.md (Google Ads)). */
function identifiersError(ids: unknown): RowError | null {
  if (ids === undefined) return null;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_USER_IDENTIFIERS)
    return err(
      'collectionSizeError',
      'TOO_MANY',
      `userIdentifiers takes 1 to ${MAX_USER_IDENTIFIERS} entries.`,
    );
  for (const id of ids as Record<string, unknown>[]) {
    const keys = Object.keys(id).filter((k) => k !== 'userIdentifierSource');
    if (keys.length !== 1 || !['hashedEmail', 'hashedPhoneNumber'].includes(keys[0]!))
      return err(
        'fieldError',
        'INVALID_VALUE',
        'Each user identifier holds exactly one of hashedEmail or hashedPhoneNumber.',
      );
    if (!isSha256Hex(id[keys[0]!]))
      return err('fieldError', 'INVALID_VALUE', `${keys[0]} must be SHA-256 as lower-case hex.`);
    const src = id.userIdentifierSource;
    if (
      src !== undefined &&
      !['FIRST_PARTY', 'THIRD_PARTY', 'UNSPECIFIED', 'UNKNOWN'].includes(String(src))
    )
      return err(
        'fieldError',
        'INVALID_VALUE',
        'userIdentifierSource is not a UserIdentifierSource.',
      );
  }
  return null;
}

/** The field names of a conversion the v22+ proto does not know (the request is then refused). */
export function unknownFields(c: Record<string, unknown>): string[] {
  return Object.keys(c).filter((k) => !CONVERSION_FIELDS.has(k));
}
