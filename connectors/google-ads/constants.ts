/**
 * Google Ads API facts the connector relies on, each with its source (docs/vendors.md, Google Ads,
 * lists them with their pages).
 */

/** API host (docs/vendors.md (Google Ads), googleapis/googleapis `google/ads/googleads/v22/services/conversion_upload_service.proto`). Override per connection for tests and fakes. */
export const GOOGLE_ADS_HOST = 'https://googleads.googleapis.com';

/**
 * Default API version. The v24 reference page calls v26 the latest active version (docs/vendors.md (Google Ads),
 * developers.google.com/google-ads/api/reference/rpc/v24/ConversionUploadService/UploadClickConversions) and every field this connector sends has the same shape from v22 on (googleapis/googleapis `google/ads/googleads/v22/services/conversion_upload_service.proto`): older versions
 * are sunset about a year after release, so the newest is the default and the version is a setting.
 */
export const DEFAULT_API_VERSION = 'v26';

/**
 * Google's OAuth 2.0 token endpoint (developers.google.com/identity/protocols/oauth2/web-server
 * #offline: a form-encoded POST with grant_type=refresh_token; the vendor notes we began from marked the body form
 * UNCONFIRMED, that page settles it).
 */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/**
 * Largest number of conversions in one uploadClickConversions request: more gives
 * TOO_MANY_CONVERSIONS_IN_REQUEST ("Upload fewer than 2001 events in a single request")
 * — developers.google.com/google-ads/api/docs/best-practices/quotas (docs/vendors.md (Google Ads), developers.google.com/google-ads/api/docs/best-practices/quotas) and
 * ConversionUploadErrorEnum (googleads/google-ads-python, v20 errors/types/conversion_upload_error.py).
 */
export const MAX_CONVERSIONS_PER_REQUEST = 2000;

/** Largest number of user identifiers on one ClickConversion (docs/vendors.md (Google Ads), googleapis/googleapis `google/ads/googleads/v22/services/conversion_upload_service.proto`). */
export const MAX_USER_IDENTIFIERS = 5;

/**
 * Row errors that mean Google already has this conversion from an earlier upload: counted as
 * delivered. ConversionUploadErrorEnum: ORDER_ID_ALREADY_IN_USE "includes an order ID that was
 * previously recorded"; CLICK_CONVERSION_ALREADY_EXISTS "same click and conversion_date_time as an
 * existing conversion". DUPLICATE_ORDER_ID and DUPLICATE_CLICK_CONVERSION_IN_REQUEST are
 * duplicates within one request, which Google did NOT process: those stay failures.
 */
export const ALREADY_UPLOADED_CODES: ReadonlySet<string> = new Set([
  'ORDER_ID_ALREADY_IN_USE',
  'CLICK_CONVERSION_ALREADY_EXISTS',
]);

/**
 * Row errors worth sending again later (dead letter, replayable), not quarantine:
 * TOO_RECENT_EVENT and TOO_RECENT_CONVERSION_ACTION ("try importing again in 6 hours",
 * ConversionUploadErrorEnum), and Google-side transient errors.
 */
export const RETRYABLE_ROW_CODES: ReadonlySet<string> = new Set([
  'TOO_RECENT_EVENT',
  'TOO_RECENT_CONVERSION_ACTION',
  'INTERNAL_ERROR',
  'TRANSIENT_ERROR',
  'CONCURRENT_MODIFICATION',
  'RESOURCE_TEMPORARILY_EXHAUSTED',
]);

/**
 * QuotaError values that are waits, not refusals (docs/vendors.md (Google Ads), developers.google.com/google-ads/api/reference/rpc/v20/QuotaErrorEnum.QuotaError and /QuotaErrorDetails): retried with the announced
 * `retryDelay`. ACCESS_PROHIBITED (the developer token may not call) needs a person: auth.
 */
export const QUOTA_WAIT_CODES: ReadonlySet<string> = new Set([
  'RESOURCE_EXHAUSTED',
  'RESOURCE_TEMPORARILY_EXHAUSTED',
  'EXCESSIVE_SHORT_TERM_QUERY_RESOURCE_CONSUMPTION',
  'EXCESSIVE_LONG_TERM_QUERY_RESOURCE_CONSUMPTION',
]);

/** The `userIdentifierSource` the official sample sets (docs/vendors.md (Google Ads), googleads/google-ads-python `examples/remarketing/upload_enhanced_conversions_for_leads.py`). */
export const USER_IDENTIFIER_SOURCE = 'FIRST_PARTY';
