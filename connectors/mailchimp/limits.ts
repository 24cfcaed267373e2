/**
 * Mailchimp Marketing API limits, as data. Each cites where it comes from; docs/vendors.md
 * (Mailchimp) gathers them with the vendor's pages.
 */

/**
 * Simultaneous connections per Mailchimp user account; the 11th answers 429. Mailchimp limits
 * concurrency, not request rate (Marketing API "Fundamentals → API limits",
 * mailchimp.com/developer/marketing/docs/fundamentals/; docs.mavera.io/integrations/mailchimp, taourl.com article citing "10 concurrent connections" → 429).
 */
export const MAX_SIMULTANEOUS_CONNECTIONS = 10;

/** Largest `count` of a collection page (Marketing API pagination: count ≤ 1000; docs.rs mailchimp-api Reports). */
export const MAX_PAGE_SIZE = 1000;

/**
 * Operations per `POST /batches`. Mailchimp documents no cap (the vendor notes we began from marks it UNCONFIRMED);
 * third-party tools cap at 500 and api-evangelist's mailchimp-rate-limits.yml lists 1000.
 * Decision: default 500, configurable up to this ceiling.
 */
export const MAX_OPERATIONS_PER_BATCH = 1000;

/** Default operations per batch (see `MAX_OPERATIONS_PER_BATCH`). */
export const DEFAULT_OPERATIONS_PER_BATCH = 500;

/**
 * Members per sink write. Matches the 500-member cap of `POST /lists/{id}` (public code) so one engine
 * batch is one `/batches` call per phase at the default operations per batch.
 */
export const MEMBERS_PER_WRITE = 500;

/**
 * Wait after a "too many pending batches" refusal before submitting again: an account may have
 * at most 500 pending batches (public code: "You have more than 500 pending batches.").
 */
export const PENDING_BATCHES_WAIT_MS = 60_000;

/**
 * Request pacing. Mailchimp publishes no request-rate limit, only the connection cap (the
 * connection gate does the real limiting: `MAX_SIMULTANEOUS_CONNECTIONS`). The runtime paces
 * every HTTP request of a connection (paceRequests), so this is a ceiling above what ten
 * connections in flight can reach (about 10 / 0.1 s round trip), never the binding limit: at 10
 * a second it throttled a 1,100-member tag update to 110 s where the gate allows it in seconds.
 */
export const REQUESTS_PER_SECOND = 100;

/** Query parameter carrying the webhook secret: Mailchimp signs nothing (docs/vendors.md). */
export const WEBHOOK_SECRET_PARAM = 'secret';

/** Largest batch result archive downloaded (compressed). */
export const MAX_RESULTS_BYTES = 200 * 1024 * 1024;
