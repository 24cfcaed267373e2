/**
 * Meta Graph API facts the connector relies on, each with the page it comes from
 * (docs/vendors.md, Meta).
 */

/** Default Graph API host; override per connection for sandboxes and tests. */
export const GRAPH_HOST = 'https://graph.facebook.com';

/**
 * Default Graph API version. Versions stay callable for about two years; docs examples use
 * v21.0 and a 2026 OpenAPI mirror v25.0 (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/conversions-api/using-the-api/third-party samples of the leadgen webhook body), so it is a setting.
 */
export const DEFAULT_API_VERSION = 'v25.0';

/** Largest `limit` we ask of a Graph edge; Graph pages answer at most a few hundred rows. */
export const MAX_PAGE_SIZE = 500;

/**
 * Throttle error codes, answered in a JSON body (usually HTTP 400, not 429): 4 app limit,
 * 17 user limit (subcode 2446079), 32 Page limit, 613 ad account limit (subcode 1487742)
 * — developers.facebook.com/docs/graph-api/overview/rate-limiting and
 * /docs/marketing-api/overview/rate-limiting (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-apis/rate-limiting/mcp.waymark.network route (third-party) and bulkcreatives.com/blog/meta-ads-api-rate-limits).
 */
export const THROTTLE_CODES: readonly number[] = [4, 17, 32, 613];

/**
 * Business Use Case throttles: codes 80000–80014. Which code is which use case (80000
 * ads_insights, 80001 Pages, 80004 ads_management, 80005 LeadGen, per the Graph API
 * rate-limiting page as mirrored by api-evangelist/facebook-lead-ads) is UNCONFIRMED in
 * docs/vendors.md (Meta); the connector does not depend on it: the whole range is retryable.
 */
export const BUC_THROTTLE_RANGE = { min: 80000, max: 80014 } as const;

/**
 * Errors Meta says are temporary: 1 unknown, 2 service temporarily unavailable
 * (developers.facebook.com/docs/graph-api/guides/error-handling); bodies may also say
 * `is_transient: true`.
 */
export const TRANSIENT_CODES: readonly number[] = [1, 2];

/**
 * Token and permission errors: 190 invalid or expired access token (OAuthException), 102 session
 * invalid, 10 and 200–299 permission missing (Graph API error-handling page). A person must act:
 * the connection is marked broken.
 */
export const AUTH_CODES: readonly number[] = [10, 102, 190];

/** Permission error range (`#200`–`#299`) of the Graph API error-handling page. */
export const PERMISSION_RANGE = { min: 200, max: 299 } as const;

/**
 * Lead fields read on every lead. Besides the documented `id,created_time,ad_id,form_id,field_data`
 * (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/guides/lead-ads/retrieving) the Lead node carries the ad context itself: `ad_name, adset_id, adset_name,
 * campaign_id, campaign_name, is_organic, platform` (facebook/facebook-nodejs-business-sdk
 * `src/objects/lead.js`, generated from the Graph API). Reading them needs ads_read or
 * ads_management on the ad account (developers.facebook.com/docs/marketing-api/guides/lead-ads/retrieving).
 */
export const LEAD_FIELDS = ['id', 'created_time', 'ad_id', 'form_id', 'field_data'] as const;

/** The ad context fields of a Lead node (see `LEAD_FIELDS`). */
export const LEAD_AD_CONTEXT_FIELDS = [
  'ad_name',
  'adset_id',
  'adset_name',
  'campaign_id',
  'campaign_name',
  'is_organic',
  'platform',
] as const;

/**
 * Ad fields that name its ad set and campaign, read when `campaignContext` is `ad-lookup`:
 * `GET /{ad_id}?fields=name,adset{id,name},campaign{id,name}` (field expansion, Graph API).
 */
export const AD_CONTEXT_FIELDS = 'id,name,adset{id,name},campaign{id,name}';

/** Insights fields read per campaign and day (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/reference/ad-account/insights). */
export const INSIGHTS_FIELDS = [
  'account_id',
  'campaign_id',
  'campaign_name',
  'spend',
  'impressions',
  'clicks',
  'account_currency',
  'date_start',
  'date_stop',
] as const;

/** Webhook signature header: `sha256=<hex HMAC-SHA256 of the raw body, key = App Secret>` (communityforums.atmeta.com thread "How to verify a webhook request sign" (quotes Meta docs), docsx.wazapin.com/api/webhook-signature-examples). */
export const SIGNATURE_HEADER = 'X-Hub-Signature-256';

/**
 * Most events one Conversions API request may carry in `data` (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/conversions-api/using-the-api:
 * developers.facebook.com/docs/marketing-api/conversions-api/using-the-api). One invalid event
 * rejects the whole request, so a refused batch is split to find it.
 */
export const MAX_EVENTS_PER_REQUEST = 1_000;

/**
 * Oldest `event_time` Meta accepts, in seconds: 7 days (docs/vendors.md (Meta) and §2.3, developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/server-event server-event
 * parameters, developers.facebook.com/documentation/ads-commerce/conversions-api/conversion-leads-integration/payload-specification Conversion Leads payload specification). Older events make the whole request
 * fail, so they are never sent; exactly 7 days old still is.
 */
export const MAX_EVENT_AGE_S = 7 * 86_400;

/**
 * Fixed parts of a CRM event (CLOSED-LOOP.md "Outcomes sent back"; docs/vendors.md (Meta), developers.facebook.com/documentation/ads-commerce/conversions-api/conversion-leads-integration/payload-specification):
 * `action_source` system_generated, `custom_data.event_source` crm, and the CRM tool's name as
 * `custom_data.lead_event_source`.
 */
export const CRM_EVENT = {
  actionSource: 'system_generated',
  eventSource: 'crm',
  leadEventSource: 'DealerLoop',
} as const;
