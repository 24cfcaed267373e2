import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';

import { AuthError, isClassified, PermanentError, RetryableError } from './errors.ts';
import { installRateLimitHeaders, type RateLimitHeaders } from './rate-limit.ts';
import { installRedaction, redactText } from './redact.ts';

/** Default timeout of a vendor call; long enough for batch endpoints, short enough to notice a hang. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Makes the axios instance of a connection, with the redaction interceptor (src/sdk/redact.ts) on
 * every failed call. Retries are not done here: the sync engine retries
 * classified errors with backoff and the shared rate limiter, so all workers slow down together.
 */
export function createHttpClient(config: AxiosRequestConfig & { baseURL: string }): AxiosInstance {
  const http = axios.create({
    timeout: DEFAULT_TIMEOUT_MS,
    ...config,
    headers: { 'user-agent': 'DealerLoop/0.1 (+integration hub)', ...config.headers },
    // Keep the bodies of error responses; vendors put throttle codes there.
    validateStatus: (s) => s >= 200 && s < 300,
  });
  return installRedaction(http);
}

/**
 * How a connection signs its requests, declared as data; `httpClientOf` applies it. A value the
 * credentials lack (`undefined`) makes every request fail as an auth error naming it, before
 * anything is sent. OAuth 2.0 refresh tokens are declared with `ConnectorDef.oauth2`: the runtime
 * puts the bearer token on the client.
 */
export type AuthSpec =
  | { kind: 'none' }
  | { kind: 'basic'; username: string | undefined; password: string | undefined }
  | { kind: 'bearer'; token: string | undefined }
  | { kind: 'api_key'; header: string; value: string | undefined }
  | { kind: 'api_key'; query: string; value: string | undefined }
  | { kind: 'oauth2' };

/** A connection's HTTP client, declared: where it goes, how it signs in, what it always sends. */
export interface HttpSpec {
  baseUrl: string;
  auth: AuthSpec;
  headers?: Record<string, string>;
  /** Query parameters on every request. */
  params?: Record<string, string>;
  /** The vendor's rate-limit headers, which pace the client (src/sdk/rate-limit.ts). */
  rateLimit?: RateLimitHeaders;
}

/** What `auth` adds to every request, or the credential it is missing. */
function authConfig(auth: AuthSpec): { config: AxiosRequestConfig } | { missing: string } {
  switch (auth.kind) {
    case 'basic':
      return auth.username && auth.password
        ? { config: { auth: { username: auth.username, password: auth.password } } }
        : { missing: 'username and password' };
    case 'bearer':
      return auth.token
        ? { config: { headers: { authorization: `Bearer ${auth.token}` } } }
        : { missing: 'token' };
    case 'api_key':
      if (!auth.value) return { missing: 'API key' };
      return 'header' in auth
        ? { config: { headers: { [auth.header]: auth.value } } }
        : { config: { params: { [auth.query]: auth.value } } };
    default:
      return { config: {} };
  }
}

/** The HTTP client an `HttpSpec` declares (see `createHttpClient`). */
export function httpClientOf(spec: HttpSpec): AxiosInstance {
  const auth = authConfig(spec.auth);
  const extra = 'config' in auth ? auth.config : {};
  const http = createHttpClient({
    baseURL: spec.baseUrl,
    ...extra,
    headers: { ...spec.headers, ...(extra.headers as Record<string, string> | undefined) },
    params: { ...spec.params, ...(extra.params as Record<string, string> | undefined) },
  });
  if ('missing' in auth) {
    const why = `${spec.auth.kind} auth needs the ${auth.missing} credentials`;
    http.interceptors.request.use(() => Promise.reject(new AuthError(why)));
  }
  if (spec.rateLimit) installRateLimitHeaders(http, spec.rateLimit);
  return http;
}

/**
 * Parses a Retry-After header: delta seconds or an HTTP date (RFC 9110 §10.2.3). Returns ms or null.
 */
export function parseRetryAfter(value: unknown, now = Date.now()): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const RETRYABLE_CODES = new Set([
  'ECONNABORTED',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** A short, secret-free description of a vendor's error body for messages. */
export function describeBody(data: unknown): string {
  if (data === undefined || data === null || data === '') return '';
  const text = redactText(typeof data === 'string' ? data : JSON.stringify(data));
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * The default classification of a failed HTTP call: 401/403 → auth; 408, 425, 429, 5xx, timeouts
 * and network errors → retryable (429/503 honour Retry-After); any other 4xx → permanent.
 */
export function classifyHttpError(err: unknown): Error {
  if (isClassified(err)) return err;
  if (!(err instanceof AxiosError)) {
    return err instanceof Error ? new RetryableError(err.message) : new RetryableError(String(err));
  }
  const status = err.response?.status ?? null;
  const what = `${err.config?.method?.toUpperCase() ?? 'HTTP'} ${err.config?.url ?? ''}`.trim();
  if (status === null) {
    if (err.code && RETRYABLE_CODES.has(err.code))
      return new RetryableError(`${what}: ${err.code}`);
    return new RetryableError(`${what}: ${err.message}`);
  }
  const detail = `${what} answered ${status} ${describeBody(err.response?.data)}`.trim();
  if (status === 401 || status === 403) return new AuthError(detail, status);
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return new RetryableError(
      detail,
      parseRetryAfter(err.response?.headers?.['retry-after']),
      status,
    );
  }
  return new PermanentError(detail, status);
}
