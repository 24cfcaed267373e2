import {
  classifierOf,
  RETRY_AFTER,
  type ErrorTable,
  type WaitSource,
} from '../../src/sdk/error-table.ts';
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

/** The `error` object of a Graph API answer, when there is one. */
export function graphErrorOf(data: unknown): GraphError | null {
  if (!data || typeof data !== 'object') return null;
  const e = (data as { error?: unknown }).error;
  return e && typeof e === 'object' ? (e as GraphError) : null;
}

/**
 * The wait Meta announces for a throttled caller, the longest of: `estimated_time_to_regain_access`
 * (minutes) in X-Business-Use-Case-Usage, `reset_time_duration` (seconds) in X-Ad-Account-Usage,
 * and Retry-After (developers.facebook.com/docs/graph-api/overview/rate-limiting).
 */
const THROTTLE_WAIT: readonly WaitSource[] = [
  { header: 'x-business-use-case-usage', json: '*.*.estimated_time_to_regain_access', unit: 'min' },
  { header: 'x-ad-account-usage', json: 'reset_time_duration', unit: 's' },
  RETRY_AFTER,
];

/** `Graph API error 190/463 (OAuthException): Error validating access token [fbtrace_id x]`. */
function describe(a: { status: number; body: unknown; what: string }): string {
  const g = graphErrorOf(a.body) ?? {};
  const sub = g.error_subcode ? `/${g.error_subcode}` : '';
  const trace = g.fbtrace_id ? ` [fbtrace_id ${g.fbtrace_id}]` : '';
  return `Graph API error ${g.code}${sub} (${g.type ?? 'unknown'}): ${g.message ?? 'no message'}${trace}`;
}

/**
 * Graph API errors by the code in the body first (docs/vendors.md (Meta)): throttles arrive as
 * HTTP 400 with codes 4, 17, 32, 613, 80000–80014 → retryable with the announced wait; 190, 102,
 * 10 and 200–299 → auth; 1, 2 or `is_transient` → retryable; any other code → per record. An
 * answer without a Graph code falls to the SDK default (a 429 with Retry-After, 5xx, ...).
 */
export const metaErrors: ErrorTable = {
  codes: ['error.code'],
  describe,
  rules: [
    { code: THROTTLE_CODES, kind: 'retryable', wait: THROTTLE_WAIT, waitOf: 'longest' },
    { code: BUC_THROTTLE_RANGE, kind: 'retryable', wait: THROTTLE_WAIT, waitOf: 'longest' },
    { code: AUTH_CODES, kind: 'auth' },
    { code: PERMISSION_RANGE, kind: 'auth' },
    { code: TRANSIENT_CODES, kind: 'retryable' },
    { hasCode: true, body: { path: 'error.is_transient', equals: true }, kind: 'retryable' },
    { hasCode: true, status: { min: 500, max: 599 }, kind: 'retryable' },
    { hasCode: true, kind: 'per-record' },
  ],
};

/** The table as a classifier, for failures the connector looks at itself (a missing ad). */
export const classifyMetaError = classifierOf(metaErrors);
