import { AxiosError } from 'axios';

import { AuthError, isClassified, PermanentError, RetryableError } from '../../src/sdk/errors.ts';
import { classifyHttpError, parseRetryAfter } from '../../src/sdk/http.ts';
import {
  AUTH_CODES,
  BUC_THROTTLE_RANGE,
  PERMISSION_RANGE,
  THROTTLE_CODES,
  TRANSIENT_CODES,
} from './constants.ts';

/** The error object of a Graph API error body: `{"error":{message,type,code,error_subcode,...}}`. */
export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
}

const inRange = (n: number, r: { min: number; max: number }) => n >= r.min && n <= r.max;

/** The `error` object of a Graph API answer, when there is one. */
export function graphErrorOf(data: unknown): GraphError | null {
  if (!data || typeof data !== 'object') return null;
  const e = (data as { error?: unknown }).error;
  return e && typeof e === 'object' ? (e as GraphError) : null;
}

/** True for the codes Meta uses for rate limits (app, user, Page, ad account, business use case). */
export function isThrottle(code: number): boolean {
  return THROTTLE_CODES.has(code) || inRange(code, BUC_THROTTLE_RANGE);
}

/**
 * The wait Meta announces for a throttled caller: `estimated_time_to_regain_access` (minutes) in
 * X-Business-Use-Case-Usage, `reset_time_duration` (seconds) in X-Ad-Account-Usage, or a
 * Retry-After header (developers.facebook.com/docs/graph-api/overview/rate-limiting). Null when
 * none is given.
 */
export function announcedWaitMs(headers: Record<string, unknown> | undefined): number | null {
  if (!headers) return null;
  const waits: number[] = [];
  const buc = parseJson(headers['x-business-use-case-usage']);
  if (buc && typeof buc === 'object') {
    for (const uses of Object.values(buc as Record<string, unknown>)) {
      for (const use of Array.isArray(uses) ? uses : []) {
        const minutes = (use as { estimated_time_to_regain_access?: unknown })
          .estimated_time_to_regain_access;
        if (typeof minutes === 'number' && minutes > 0) waits.push(minutes * 60_000);
      }
    }
  }
  const account = parseJson(headers['x-ad-account-usage']) as { reset_time_duration?: unknown };
  if (typeof account?.reset_time_duration === 'number' && account.reset_time_duration > 0)
    waits.push(account.reset_time_duration * 1000);
  const retryAfter = parseRetryAfter(headers['retry-after']);
  if (retryAfter !== null) waits.push(retryAfter);
  return waits.length ? Math.max(...waits) : null;
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return null;
  try {
    return JSON.parse(v);
  } catch {
    return null;
  }
}

/**
 * Classifies a failed Graph API call by the error code in its body first (throttles arrive as
 * HTTP 400 with codes 4, 17, 32, 613, 80000–80014 → retryable; 190 and permission errors → auth;
 * 1, 2 or `is_transient` → retryable; any other code → permanent), then by HTTP status.
 */
export function classifyMetaError(err: unknown): Error {
  if (isClassified(err)) return err;
  if (!(err instanceof AxiosError) || !err.response) return classifyHttpError(err);
  const g = graphErrorOf(err.response.data);
  if (!g || typeof g.code !== 'number') return classifyHttpError(err);
  const status = err.response.status;
  const detail = `Graph API error ${g.code}${g.error_subcode ? `/${g.error_subcode}` : ''} (${g.type ?? 'unknown'}): ${g.message ?? 'no message'}${g.fbtrace_id ? ` [fbtrace_id ${g.fbtrace_id}]` : ''}`;
  if (isThrottle(g.code))
    return new RetryableError(detail, announcedWaitMs(err.response.headers), status);
  if (AUTH_CODES.has(g.code) || inRange(g.code, PERMISSION_RANGE))
    return new AuthError(detail, status);
  if (TRANSIENT_CODES.has(g.code) || g.is_transient === true || status >= 500)
    return new RetryableError(detail, null, status);
  return new PermanentError(detail, status);
}
