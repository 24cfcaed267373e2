/*
 * HubSpot's published limits, each with the page that states it. Where the reference marked a
 * number UNCONFIRMED, the comment says what was checked and what was decided; the connection's
 * settings can lower (never raise) the request rate and batch size.
 */

/** Default API host; every connection may override it (sandboxes, tests). */
export const DEFAULT_API_HOST = 'https://api.hubapi.com';

/**
 * "The maximum number of supported objects per page is 200." HubSpot docs, Search the CRM
 * (developers.hubspot.com/docs/api-reference/search/guide, "Limits"). The reference had this as
 * UNCONFIRMED (some wrappers cap at 100); the vendor page confirms 200.
 */
export const MAX_SEARCH_PAGE_SIZE = 200;

/**
 * "The search endpoints are limited to 10,000 total results for any given query. Attempting to
 * page beyond 10,000 will result in a 400 error." HubSpot docs, Search the CRM, "Limits".
 */
export const SEARCH_RESULT_CAP = 10_000;

/**
 * Search requests per second. The current Search guide says "rate limited to five requests per
 * second per account"; the API usage guidelines page (developers.hubspot.com/docs/api/usage-details,
 * "Other limits") and the changelog "CRM Search API Rate Limit Increase" say four per token.
 * Decision: default to 4, which satisfies both readings; a connection may set it lower.
 */
export const SEARCH_REQUESTS_PER_SECOND = 4;

/**
 * Inputs per batch upsert/update/read. The v3 reference pages give no number; the legacy contacts
 * batch page says "Performance is best when batch size is limited to 100 contacts or fewer" and
 * batch read says "You can retrieve up to 100 ... in one request". Still UNCONFIRMED as a hard
 * limit for v3 upsert: decision 100 (the safe side), configurable downwards per connection.
 */
export const MAX_BATCH_INPUTS = 100;

/**
 * "Locks will last for 2 seconds, so if you receive a 423 error, you should include a delay of at
 * least 2 seconds between your API requests." HubSpot docs, Error handling (423 Locked).
 */
export const LOCKED_RETRY_MS = 2_000;

/**
 * The 10-second rolling window behind `TEN_SECONDLY_ROLLING` when the 429 carries no
 * `X-HubSpot-RateLimit-Interval-Milliseconds`: "a value of 10000 would be a window of 10 seconds"
 * (API usage guidelines, rate limit headers). Search responses carry no rate headers at all.
 */
export const ROLLING_WINDOW_MS = 10_000;

/** Wait after a `SECONDLY` 429 (the search limit) without a Retry-After: one second. */
export const SECONDLY_RETRY_MS = 1_000;

/**
 * "The daily limit resets at midnight based on your time zone setting" (API usage guidelines).
 * The account's zone is unknown here, so a DAILY 429 waits an hour: longer than the engine's
 * longest in-run wait, so the job gives up now and is retried later instead of hammering.
 */
export const DAILY_LIMIT_RETRY_MS = 60 * 60_000;

/**
 * Search indexing lag: "It may take a few moments for newly created or updated CRM objects to
 * appear in search results" (Search the CRM, "Limits"). A run re-reads this far behind the last
 * change it saw; records seen again are unchanged in the hub.
 */
export const DEFAULT_INDEX_LAG_MS = 60_000;

/**
 * Owners per page of `GET /crm/v3/owners` (the owners API reference: `limit`, at most 500; the
 * default is 100).
 */
export const MAX_OWNERS_PAGE = 500;
