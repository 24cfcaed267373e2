import { RETRY_AFTER, type ErrorTable, type VendorAnswer } from '../../src/sdk/error-table.ts';
import { describeBody } from '../../src/sdk/http.ts';
import { INTERVAL_HEADER } from './client.ts';
import {
  DAILY_LIMIT_RETRY_MS,
  LOCKED_RETRY_MS,
  ROLLING_WINDOW_MS,
  SECONDLY_RETRY_MS,
} from './limits.ts';
import { ErrorBody } from './wire.ts';

/** HubSpot's message and category (`RATE_LIMIT: You have reached…`), never the token. */
function describe(a: VendorAnswer): string {
  const body = ErrorBody.safeParse(a.body);
  const info = body.success ? body.data : {};
  const detail = info.message
    ? `${a.what} answered ${a.status} ${info.category ?? info.errorType ?? ''}: ${info.message}`
    : `${a.what} answered ${a.status} ${describeBody(a.body)}`;
  if (a.status !== 429) return detail.trim();
  return `${detail} (${info.policyName?.toUpperCase() ?? 'no policy'})`;
}

/**
 * HubSpot's errors (docs/vendors.md (HubSpot); HubSpot docs, Error handling and API usage
 * guidelines). A 429 waits by the `policyName` of its body: DAILY an hour (the job is retried
 * later, not in this run); TEN_SECONDLY_ROLLING its Retry-After, else the window its
 * `X-HubSpot-RateLimit-Interval-Milliseconds` names, else 10 s; any other policy (SECONDLY is
 * UNCONFIRMED as a literal: the guidelines say "daily or secondly" in prose) its Retry-After,
 * else a second. 423 Locked waits 2 s; 477 Migration in Progress its Retry-After; 401
 * (INVALID_AUTHENTICATION, EXPIRED_AUTHENTICATION) and 403 (MISSING_SCOPES) stop the connection;
 * everything else follows the SDK default (5xx and timeouts retry, other 4xx are per record).
 */
export const hubspotErrors: ErrorTable = {
  describe,
  rules: [
    {
      status: 429,
      body: { path: 'policyName', matches: /^daily$/i },
      kind: 'retryable',
      wait: [{ fixedMs: DAILY_LIMIT_RETRY_MS }],
    },
    {
      status: 429,
      body: { path: 'policyName', matches: /^ten_secondly_rolling$/i },
      kind: 'retryable',
      wait: [RETRY_AFTER, { header: INTERVAL_HEADER, unit: 'ms' }, { fixedMs: ROLLING_WINDOW_MS }],
    },
    { status: 429, kind: 'retryable', wait: [RETRY_AFTER, { fixedMs: SECONDLY_RETRY_MS }] },
    { status: 423, kind: 'retryable', wait: [{ fixedMs: LOCKED_RETRY_MS }] },
    { status: 477, kind: 'retryable', wait: [RETRY_AFTER] },
    { status: [401, 403], kind: 'auth' },
  ],
};
