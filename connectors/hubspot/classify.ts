import { AxiosError } from 'axios';

import { AuthError, isClassified, RetryableError } from '../../src/sdk/errors.ts';
import { classifyHttpError, describeBody, parseRetryAfter } from '../../src/sdk/http.ts';
import {
  DAILY_LIMIT_RETRY_MS,
  LOCKED_RETRY_MS,
  ROLLING_WINDOW_MS,
  SECONDLY_RETRY_MS,
} from './limits.ts';
import { ErrorBody } from './wire.ts';

/** Response header of the rolling window length, in ms (API usage guidelines). */
export const INTERVAL_HEADER = 'x-hubspot-ratelimit-interval-milliseconds';

/**
 * How long a 429 asks us to wait. The body's `policyName` says which limit was hit: DAILY,
 * TEN_SECONDLY_ROLLING, or SECONDLY (the last is UNCONFIRMED as a literal: the usage guidelines
 * say "daily or secondly" in prose; any unknown policy waits like a secondly one). Retry-After,
 * when HubSpot sends it, wins for the short limits.
 */
export function rateLimitWaitMs(policy: string | undefined, headers: Record<string, unknown>) {
  if (policy === 'DAILY') return DAILY_LIMIT_RETRY_MS;
  const retryAfter = parseRetryAfter(headers['retry-after']);
  if (retryAfter !== null) return retryAfter;
  if (policy === 'TEN_SECONDLY_ROLLING') {
    const interval = Number(headers[INTERVAL_HEADER]);
    return Number.isFinite(interval) && interval > 0 ? interval : ROLLING_WINDOW_MS;
  }
  return SECONDLY_RETRY_MS;
}

/**
 * HubSpot's errors, classified once at the connector edge (HubSpot docs, Error handling):
 * 429 waits by its policy; 423 Locked waits 2 s; 477 Migration in Progress waits its Retry-After;
 * 401 (INVALID_AUTHENTICATION, EXPIRED_AUTHENTICATION) and 403 (MISSING_SCOPES) stop the
 * connection; everything else follows the SDK default (5xx and timeouts retry, other 4xx are
 * permanent). Messages carry HubSpot's message and category, never the token.
 */
export function classifyHubSpotError(err: unknown): Error {
  if (isClassified(err) || !(err instanceof AxiosError) || !err.response) {
    return classifyHttpError(err);
  }
  const { status, data, headers } = err.response;
  const body = ErrorBody.safeParse(data);
  const info = body.success ? body.data : {};
  const what = `${err.config?.method?.toUpperCase() ?? 'HTTP'} ${err.config?.url ?? ''}`.trim();
  const detail = info.message
    ? `${what} answered ${status} ${info.category ?? info.errorType ?? ''}: ${info.message}`
    : `${what} answered ${status} ${describeBody(data)}`;
  const h = headers as Record<string, unknown>;
  if (status === 429) {
    const policy = info.policyName?.toUpperCase();
    return new RetryableError(
      `${detail} (${policy ?? 'no policy'})`,
      rateLimitWaitMs(policy, h),
      429,
    );
  }
  if (status === 423) return new RetryableError(detail, LOCKED_RETRY_MS, 423);
  if (status === 477) return new RetryableError(detail, parseRetryAfter(h['retry-after']), 477);
  if (status === 401 || status === 403) return new AuthError(detail.trim(), status);
  return classifyHttpError(err);
}
