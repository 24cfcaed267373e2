import { AxiosError } from 'axios';

import { AuthError, isClassified, PermanentError, RetryableError } from '../../src/sdk/errors.ts';
import { classifyHttpError, parseRetryAfter } from '../../src/sdk/http.ts';
import { QUOTA_WAIT_CODES } from './constants.ts';
import { codeOf, ErrorBody, errorsOf, type RpcStatus } from './wire.ts';

/** Milliseconds of a proto Duration in JSON (`"40591s"`, `"1.5s"`), or null. */
export function durationMs(text: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(text?.trim() ?? '');
  return m ? Math.round(Number(m[1]) * 1000) : null;
}

/**
 * The longest wait a failed call announces: `quotaErrorDetails.retryDelay` of its quota errors
 * (docs/vendors.md (Google Ads), developers.google.com/google-ads/api/reference/rpc/v20/QuotaErrorEnum.QuotaError and /QuotaErrorDetails: "Honour retryDelay"), a google.rpc.RetryInfo `retryDelay`, or Retry-After.
 */
function announcedWaitMs(status: RpcStatus, headers: Record<string, unknown>): number | null {
  const waits = [
    ...errorsOf(status).map((e) => durationMs(e.details?.quotaErrorDetails?.retryDelay)),
    ...status.details.map((d) => durationMs(d.retryDelay)),
    parseRetryAfter(headers['retry-after']),
  ].filter((w): w is number => w !== null);
  return waits.length ? Math.max(...waits) : null;
}

/** `quotaError RESOURCE_EXHAUSTED: Too many requests. Retry in 40591 seconds. [request-id x]` */
function describe(status: RpcStatus, httpStatus: number): string {
  const errors = errorsOf(status);
  const parts = errors.length
    ? errors.map((e) => `${codeOf(e).join(' ')}: ${e.message}`)
    : [`${status.status ?? httpStatus}: ${status.message}`];
  const requestId = status.details.find((d) => d.requestId)?.requestId;
  return `Google Ads answered ${httpStatus}: ${parts.join('; ')}${requestId ? ` [request-id ${requestId}]` : ''}`;
}

/**
 * Classifies a failed Google Ads call once, at the edge (docs/vendors.md (Google Ads)): a quota error that is a
 * wait (`RESOURCE_EXHAUSTED` and kin) or HTTP 429 is retryable with Google's `retryDelay` (a wait
 * longer than a run may sleep parks the run); 401, 403 and `ACCESS_PROHIBITED` are auth (a person
 * must act: the connection is marked broken); 5xx, UNAVAILABLE, INTERNAL and DEADLINE_EXCEEDED are
 * retryable; any other error is permanent, with Google's codes and messages.
 */
export function classifyGoogleAdsError(err: unknown): Error {
  if (isClassified(err)) return err;
  if (!(err instanceof AxiosError) || !err.response) return classifyHttpError(err);
  const body = ErrorBody.safeParse(err.response.data);
  if (!body.success) return classifyHttpError(err);
  const status = body.data.error;
  const http = err.response.status;
  const detail = describe(status, http);
  const quota = errorsOf(status)
    .map(codeOf)
    .filter(([kind]) => kind === 'quotaError')
    .map(([, v]) => v);
  if (quota.includes('ACCESS_PROHIBITED')) return new AuthError(detail, http);
  const waits = announcedWaitMs(status, err.response.headers as Record<string, unknown>);
  if (
    http === 429 ||
    status.status === 'RESOURCE_EXHAUSTED' ||
    quota.some((q) => QUOTA_WAIT_CODES.has(q))
  )
    return new RetryableError(detail, waits, http);
  if (
    http === 401 ||
    http === 403 ||
    status.status === 'UNAUTHENTICATED' ||
    status.status === 'PERMISSION_DENIED'
  )
    return new AuthError(detail, http);
  if (http >= 500 || ['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED'].includes(status.status ?? ''))
    return new RetryableError(detail, waits, http);
  return new PermanentError(detail, http);
}
