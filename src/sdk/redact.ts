import {
  AxiosError,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

/** What replaces a secret wherever one is scrubbed. */
export const REDACTED = '[redacted]';

/** Values shorter than this are not treated as secrets (they would scrub ordinary words). */
export const MIN_SECRET_LENGTH = 6;

/** Request headers that never carry a secret; every other header value is treated as one. */
const PLAIN_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'content-type',
  'content-length',
  'user-agent',
  'idempotency-key',
  'x-request-id',
]);

/** Generic shapes of secrets in free text: query strings, bearer tokens, `key=value` pairs. */
const PATTERNS: [RegExp, string][] = [
  [/\?[\w%.~-]+=[^\s"'<>]*/g, `?${REDACTED}`],
  [/\b([Bb]earer|Basic)\s+[\w\-.~+/]{8,}=*/g, `$1 ${REDACTED}`],
  [
    /\b((?:access|refresh|id)?_?token|api[_-]?key|apikey|secret|client_secret|password|appsecret_proof|signature|sig)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
    `$1$2${REDACTED}`,
  ],
];

/**
 * Scrubs `text`: each known secret value (and its URL-encoded form) first, then the generic
 * shapes (query strings, `Bearer …`, `token=…`). The one place vendor text is cleaned.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    out = out.split(s).join(REDACTED);
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join(REDACTED);
  }
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return out;
}

/** Scrubs every string inside a JSON-like value (vendor error bodies), keeping its shape. */
export function redactDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return redactText(value.toString('utf8'), secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets, depth + 1)]),
  );
}

/** The secret values a request carries: credential headers, query parameters, basic auth. */
export function secretsOf(config: InternalAxiosRequestConfig | undefined): string[] {
  if (!config) return [];
  const found: string[] = [];
  const headers = (config.headers ?? {}) as Record<string, unknown>;
  for (const [name, v] of Object.entries(headers)) {
    if (typeof v !== 'string' || PLAIN_HEADERS.has(name.toLowerCase())) continue;
    found.push(v, ...v.split(/\s+/).slice(1));
  }
  for (const v of Object.values((config.params ?? {}) as Record<string, unknown>))
    if (typeof v === 'string') found.push(v);
  if (config.auth) {
    found.push(config.auth.password, config.auth.username);
    found.push(Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64'));
  }
  const query = (config.url ?? '').split('?')[1];
  if (query) for (const v of new URLSearchParams(query).values()) found.push(v);
  return found.filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** A copy of a request config safe to keep on an error: no credentials, no query string. */
function cleanConfig(config: InternalAxiosRequestConfig, secrets: string[]) {
  const clean = { ...config } as InternalAxiosRequestConfig;
  clean.url = config.url === undefined ? undefined : redactText(config.url, secrets);
  clean.baseURL = config.baseURL === undefined ? undefined : redactText(config.baseURL, secrets);
  clean.params = undefined;
  clean.auth = undefined;
  clean.data = undefined;
  clean.headers = new AxiosHeaders(config.headers);
  for (const name of Object.keys(clean.headers))
    if (!PLAIN_HEADERS.has(name.toLowerCase())) clean.headers[name] = REDACTED;
  return clean;
}

/** Replaces a failed call's error by one with the vendor's status, code and scrubbed body. */
export function redactAxiosError(err: unknown): unknown {
  if (!(err instanceof AxiosError) || !err.config) return err;
  const secrets = secretsOf(err.config);
  const config = cleanConfig(err.config, secrets);
  const res = err.response;
  const response: AxiosResponse | undefined = res && {
    status: res.status,
    statusText: res.statusText,
    headers: Object.fromEntries(
      Object.entries(res.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'set-cookie'),
    ) as AxiosResponse['headers'],
    data: redactDeep(res.data, secrets),
    config,
  };
  const clean = new AxiosError(
    redactText(err.message, secrets),
    err.code,
    config,
    undefined,
    response,
  );
  return clean;
}

const INSTALLED = Symbol.for('dealerloop.redaction');

/**
 * Installs the redaction interceptor on an axios instance (once): every failed call rejects with
 * a scrubbed error, so no message, log line, run report or job built from it holds a credential.
 */
export function installRedaction(http: AxiosInstance): AxiosInstance {
  const marked = http as AxiosInstance & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return http;
  marked[INSTALLED] = true;
  http.interceptors.response.use(undefined, (err: unknown) =>
    Promise.reject(redactAxiosError(err)),
  );
  return http;
}
