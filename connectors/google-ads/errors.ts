import {
  classifierOf,
  RETRY_AFTER,
  type ErrorTable,
  type VendorAnswer,
  type WaitSource,
} from '../../src/sdk/error-table.ts';
import { describeBody } from '../../src/sdk/http.ts';
import { QUOTA_WAIT_CODES } from './constants.ts';
import { codeOf, ErrorBody, errorsOf } from './wire.ts';

/**
 * The longest wait a failed call announces: `quotaErrorDetails.retryDelay` of its quota errors
 * (docs/vendors.md (Google Ads), developers.google.com/google-ads/api/reference/rpc/v20/QuotaErrorEnum.QuotaError
 * and /QuotaErrorDetails: "Honour retryDelay"), a google.rpc.RetryInfo `retryDelay`, or Retry-After.
 */
const GOOGLE_WAIT: readonly WaitSource[] = [
  { body: 'error.details.*.errors.*.details.quotaErrorDetails.retryDelay', unit: 'duration' },
  { body: 'error.details.*.retryDelay', unit: 'duration' },
  RETRY_AFTER,
];

/** `quotaError RESOURCE_EXHAUSTED: Too many requests. Retry in 40591 seconds. [request-id x]` */
function describe(a: VendorAnswer): string {
  const body = ErrorBody.safeParse(a.body);
  if (!body.success) return `${a.what} answered ${a.status} ${describeBody(a.body)}`.trim();
  const status = body.data.error;
  const errors = errorsOf(status);
  const parts = errors.length
    ? errors.map((e) => `${codeOf(e).join(' ')}: ${e.message}`)
    : [`${status.status ?? a.status}: ${status.message}`];
  const requestId = status.details.find((d) => d.requestId)?.requestId;
  return `Google Ads answered ${a.status}: ${parts.join('; ')}${requestId ? ` [request-id ${requestId}]` : ''}`;
}

const waits = { kind: 'retryable', wait: GOOGLE_WAIT, waitOf: 'longest' } as const;

/**
 * Google Ads errors (docs/vendors.md (Google Ads)), by the google.rpc status and the quota error
 * codes of the body: `ACCESS_PROHIBITED` is auth (a person must act); HTTP 429,
 * `RESOURCE_EXHAUSTED` and the quota waits (`RESOURCE_TEMPORARILY_EXHAUSTED`, ...) are retryable
 * with Google's `retryDelay` (a wait longer than a run may sleep parks the run); 401, 403,
 * UNAUTHENTICATED and PERMISSION_DENIED are auth; 5xx, UNAVAILABLE, INTERNAL and
 * DEADLINE_EXCEEDED are retryable; any other Google error is per record, with Google's codes.
 */
export const googleAdsErrors: ErrorTable = {
  codes: ['error.status', 'error.details.*.errors.*.errorCode.quotaError'],
  describe,
  rules: [
    { code: 'ACCESS_PROHIBITED', kind: 'auth' },
    { status: 429, ...waits },
    { code: ['RESOURCE_EXHAUSTED', ...QUOTA_WAIT_CODES], ...waits },
    { status: [401, 403], kind: 'auth' },
    { code: ['UNAUTHENTICATED', 'PERMISSION_DENIED'], kind: 'auth' },
    { status: { min: 500, max: 599 }, ...waits },
    { code: ['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED'], ...waits },
    { body: { path: 'error' }, kind: 'per-record' },
  ],
};

/** The table as a classifier. */
export const classifyGoogleAdsError = classifierOf(googleAdsErrors);
