import type { ConnectorContext } from '../../src/sdk/connector.ts';
import { withRetry, type RetryPolicy } from '../../src/sdk/retry.ts';
import { classifyMailchimpError } from './errors.ts';
import type { MailchimpCredentials, MailchimpSettings } from './settings.ts';

/** The context every Mailchimp call gets. */
export type MailchimpContext = ConnectorContext<MailchimpSettings, MailchimpCredentials>;

/**
 * Retry policy of one call inside a sink write: a few tries, then the item reports the failure.
 * A vendor wait beyond 10 s is not slept here but thrown, so the engine pauses the connection.
 */
export function itemPolicy(s: MailchimpSettings): RetryPolicy {
  return {
    attempts: 4,
    baseDelayMs: s.itemRetryBaseMs,
    maxDelayMs: 30_000,
    maxRetryAfterMs: 10_000,
  };
}

/**
 * Runs one vendor call of a multi-call write, retrying 429/5xx with backoff. The engine retries
 * whole writes; this keeps one busy moment from failing or redoing a whole batch.
 */
export function retrying<T>(ctx: MailchimpContext, fn: () => Promise<T>): Promise<T> {
  return withRetry(fn, {
    classify: classifyMailchimpError,
    policy: itemPolicy(ctx.settings),
    signal: ctx.signal,
  });
}
