import axios, { AxiosError, type AxiosAdapter, type AxiosInstance } from 'axios';
import { z } from 'zod';

import { AuthError, PermanentError } from './errors.ts';
import { classifyHttpError, createHttpClient } from './http.ts';

/**
 * An access token is reused until this long before the expiry its token endpoint announced, so
 * no call leaves with a token that dies on the way (Google's tokens live 3600 s).
 */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/**
 * What a connection needs to get access tokens with the OAuth 2.0 refresh-token grant
 * (RFC 6749 §6): the token endpoint and the client's credentials and refresh token.
 */
export interface OAuth2RefreshConfig {
  /** Token endpoint, e.g. `https://oauth2.googleapis.com/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Names the system in messages, e.g. "Google". */
  provider: string;
}

/**
 * Where a connection's current access token is kept between calls and processes (the hub keeps it
 * sealed in Redis, per connection: `ConnectionStore.tokenCache`).
 */
export interface TokenCache {
  /** The cached token, or null when there is none (or it expired). */
  get(): Promise<string | null>;
  /** Keeps `token` for `ttlMs`. */
  set(token: string, ttlMs: number): Promise<void>;
  /** Forgets the cached token if it still is `token` (a newer one is kept). */
  drop(token: string): Promise<void>;
}

/** A successful token answer (RFC 6749 §5.1). */
const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  token_type: z.string().optional(),
});

/** An error answer of a token endpoint (RFC 6749 §5.2). */
const TokenError = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** Why a token endpoint refused, in words a person can act on. */
function refusalReason(provider: string, code: string, description?: string): string {
  const said = `${provider} OAuth answered ${code}${description ? ` (${description})` : ''}`;
  if (code === 'invalid_grant')
    return `${said}: the refresh token is expired or revoked; authorize DealerLoop again and replace the connection's refreshToken`;
  if (code === 'invalid_client' || code === 'unauthorized_client')
    return `${said}: the OAuth client id or secret is wrong, or the client may not use this grant`;
  return `${said}: the connection's OAuth credentials were refused`;
}

/**
 * Asks the token endpoint for a new access token with the refresh token: a form-encoded POST
 * (`grant_type=refresh_token&client_id&client_secret&refresh_token`), as Google's "Refreshing an
 * access token" (developers.google.com/identity/protocols/oauth2/web-server#offline) and RFC 6749
 * §6 describe it. A refusal (any 4xx, `invalid_grant` above all) is an `AuthError` that says what to
 * do; throttles, 5xx and network errors are retryable; a 2xx without a token is permanent.
 */
export async function refreshAccessToken(
  cfg: OAuth2RefreshConfig,
  opts: { http?: AxiosInstance; signal?: AbortSignal } = {},
): Promise<{ accessToken: string; expiresInMs: number | null }> {
  const http = opts.http ?? createHttpClient({ baseURL: cfg.tokenUrl });
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: cfg.clientId,
    client_secret: cfg.clientSecret,
    refresh_token: cfg.refreshToken,
  });
  let data: unknown;
  try {
    const res = await http.post(cfg.tokenUrl, form.toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      signal: opts.signal,
    });
    data = res.data;
  } catch (err) {
    const status = err instanceof AxiosError ? (err.response?.status ?? null) : null;
    if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429) {
      const body = TokenError.safeParse(err instanceof AxiosError ? err.response?.data : null);
      const code = body.success ? body.data.error : `HTTP ${status}`;
      throw new AuthError(
        refusalReason(cfg.provider, code, body.success ? body.data.error_description : undefined),
        status,
      );
    }
    throw classifyHttpError(err);
  }
  const r = TokenAnswer.safeParse(data);
  if (!r.success)
    throw new PermanentError(
      `${cfg.provider} OAuth token endpoint answered without a usable access_token (${r.error.issues[0]!.path.join('.') || 'body'}: ${r.error.issues[0]!.message})`,
    );
  return {
    accessToken: r.data.access_token,
    expiresInMs: r.data.expires_in === undefined ? null : r.data.expires_in * 1000,
  };
}

/**
 * The access tokens of one connection: the cached one while it lives, else one refresh shared by
 * every call that needs it at that moment (one refresh per process, not one per waiting call).
 */
export class OAuth2TokenSource {
  private pending: Promise<string> | null = null;

  constructor(
    private readonly cfg: OAuth2RefreshConfig,
    private readonly cache: TokenCache,
    private readonly opts: { http?: AxiosInstance; signal?: AbortSignal } = {},
  ) {}

  /** A token to call with: the cached one, or a fresh one. */
  async token(): Promise<string> {
    return (await this.cache.get()) ?? this.refresh();
  }

  /**
   * A token other than `stale` (which the API just refused): a newer cached one if another call
   * already renewed it, else a fresh one.
   */
  async renew(stale: string): Promise<string> {
    if (this.pending) return this.pending;
    await this.cache.drop(stale);
    const cached = await this.cache.get();
    return cached && cached !== stale ? cached : this.refresh();
  }

  private refresh(): Promise<string> {
    this.pending ??= (async () => {
      try {
        const t = await refreshAccessToken(this.cfg, this.opts);
        // Without an announced lifetime the token is used for this call only.
        const ttl = t.expiresInMs === null ? 0 : t.expiresInMs - TOKEN_EXPIRY_MARGIN_MS;
        if (ttl > 0) await this.cache.set(t.accessToken, ttl);
        return t.accessToken;
      } finally {
        this.pending = null;
      }
    })();
    return this.pending;
  }
}

/**
 * Authenticates every request of `http` with a bearer token from `source`. A 401 renews the token
 * once and sends the request once more; a second 401 is the caller's (an auth error). Done in the
 * adapter, under the interceptors, so the request is re-sent as it was (the redaction interceptor
 * only sees the final outcome) and holds the connection's in-flight slot it already has.
 */
export function installOAuth2(http: AxiosInstance, source: OAuth2TokenSource): AxiosInstance {
  const send: AxiosAdapter = axios.getAdapter(http.defaults.adapter);
  http.defaults.adapter = async (config) => {
    const token = await source.token();
    config.headers.set('Authorization', `Bearer ${token}`);
    try {
      return await send(config);
    } catch (err) {
      if (!(err instanceof AxiosError) || err.response?.status !== 401) throw err;
      config.headers.set('Authorization', `Bearer ${await source.renew(token)}`);
      return send(config);
    }
  };
  return http;
}
