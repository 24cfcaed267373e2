import { setMaxListeners } from 'node:events';

import axios, { type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';

import { AppError } from '../errors/app-error.ts';
import type { Hub } from '../hub.ts';
import { countVendorError } from '../metrics/metrics.ts';
import type {
  ConnectorContext,
  ConnectorDef,
  ConnectorLimits,
  EndpointLimit,
} from '../sdk/connector.ts';
import { AuthError } from '../sdk/errors.ts';
import { classifierOfConnector } from '../sdk/error-table.ts';
import { installOAuth2, OAuth2TokenSource } from '../sdk/oauth2.ts';
import { shareRateLimitWindow } from '../sdk/rate-limit.ts';
import { installRedaction } from '../sdk/redact.ts';
import type { ConnectorRegistry } from '../sdk/registry.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../sdk/retry.ts';
import type { Connection } from '../store/connections.ts';
import { SharedSemaphore, type Lease } from './concurrency.ts';
import { writtenByHub } from './own-writes.ts';
import { paceRequests, SharedRateLimiter } from './rate-limiter.ts';
import { secretsInSettings } from './settings-secrets.ts';

/** A connection ready to talk to its system: parsed settings and credentials, client, limits. */
export interface ConnectionRuntime {
  connection: Connection;
  connector: ConnectorDef;
  /** The connector's limits for this connection. */
  limits: ConnectorLimits;
  ctx: ConnectorContext;
  limiter: SharedRateLimiter;
  /**
   * Makes one vendor call under the shared rate limit, retrying retryable failures with backoff
   * (Retry-After pauses every worker). An auth failure marks the connection broken and is thrown.
   */
  call<T>(fn: () => Promise<T>): Promise<T>;
}

type Schema = {
  safeParse(
    v: unknown,
  ):
    | { success: true; data: unknown }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
};

/**
 * Parses a connection's settings and credentials with its connector's schemas; throws one 422
 * naming every bad field of both (`settings.baseUrl: Invalid URL`).
 */
function parseConnection(
  connector: ConnectorDef,
  settings: unknown,
  credentials: unknown,
  problems: { path: string; message: string }[] = [],
) {
  const parse = (schema: Schema, value: unknown, what: string) => {
    const r = schema.safeParse(value ?? {});
    if (r.success) return r.data;
    for (const i of r.error.issues)
      problems.push({ path: [what, ...i.path.map(String)].join('.'), message: i.message });
    return undefined;
  };
  const s = parse(connector.settings, settings, 'settings');
  const c = parse(connector.credentials, credentials, 'credentials');
  if (problems.length)
    throw new AppError(
      422,
      'invalid_connection',
      "The connection's settings or credentials are invalid",
      problems,
    );
  return { settings: s as Record<string, unknown>, credentials: c as Record<string, string> };
}

/**
 * Validates a connection's settings and credentials against its connector's schemas, and refuses
 * settings that would keep a secret in plain text (a URL with a password or a token in it:
 * settings are stored as they are, credentials sealed).
 */
export function validateConnectionInput(
  connector: ConnectorDef,
  settings: unknown,
  credentials: unknown,
): void {
  parseConnection(connector, settings, credentials, secretsInSettings(settings));
}

const LEASE = Symbol('lease');

/**
 * Every HTTP request of the connection takes a slot of its shared semaphore first and frees it
 * when answered, so `limits.concurrency` holds across all worker processes, even when one call
 * of a connector sends several requests at once.
 */
function boundInFlight(http: AxiosInstance, sem: SharedSemaphore, signal: AbortSignal): void {
  type Leased = InternalAxiosRequestConfig & { [LEASE]?: Lease };
  const free = (config: Leased | undefined) => {
    void config?.[LEASE]?.release().catch(() => undefined);
  };
  http.interceptors.request.use(async (config: Leased) => {
    config[LEASE] = await sem.acquire(signal);
    return config;
  });
  http.interceptors.response.use(
    (res) => {
      free(res.config as Leased);
      return res;
    },
    (err: { config?: Leased }) => {
      free(err.config);
      return Promise.reject(err);
    },
  );
}

/**
 * Every HTTP request that an endpoint limit covers waits for a token of that limit's shared
 * bucket first, so a vendor's per-endpoint rate (e.g. a search limit) holds across all workers
 * however many requests one connector call makes.
 */
function limitEndpoints(
  hub: Hub,
  http: AxiosInstance,
  at: { tenantId: string; connectionId: string },
  endpoints: readonly EndpointLimit[],
  signal: AbortSignal,
): void {
  const buckets = endpoints.map((e) => ({
    e,
    limiter: new SharedRateLimiter(
      hub.redis,
      hub.keys.rateBucket(at.tenantId, at.connectionId, e.name),
      e.requestsPerSecond,
      e.burst ?? 1,
    ),
  }));
  http.interceptors.request.use(async (config) => {
    const method = (config.method ?? 'get').toUpperCase();
    const path = config.url ?? '';
    for (const b of buckets) if (b.e.matches(method, path)) await b.limiter.acquire(1, signal);
    return config;
  });
}

/** Opens the runtime of a stored connection. */
export async function openConnection(
  hub: Hub,
  registry: ConnectorRegistry,
  tenantId: string,
  connectionId: string,
  opts: { signal?: AbortSignal; retry?: RetryPolicy } = {},
): Promise<ConnectionRuntime> {
  const connection = await hub.connections.get(tenantId, connectionId);
  const connector = registry.get(connection.connectorId);
  const { settings, credentials } = parseConnection(
    connector,
    connection.settings,
    await hub.connections.credentials(tenantId, connectionId),
  );
  const signal = opts.signal ?? new AbortController().signal;
  // Every call in flight and every waiter for a rate-limit or concurrency slot listens on the
  // run's one signal; a connector with 10+ calls at once (Mailchimp members) is not a leak.
  setMaxListeners(1000, signal);
  const limits =
    typeof connector.limits === 'function' ? connector.limits(settings) : connector.limits;
  const at = { tenantId, connectionId };
  const limiter = new SharedRateLimiter(
    hub.redis,
    hub.keys.rateBucket(tenantId, connectionId),
    limits.requestsPerSecond,
    limits.burst,
  );
  const http = openClient(hub, connector, { settings, credentials, limits }, at, signal);
  // A connector that talks HTTP is paced per request, as it is sent; one that does not (files)
  // per call.
  if (connector.client) {
    paceRequests(http, limiter, signal);
    // A window the vendor's rate-limit headers say is spent holds every worker, not only this one.
    shareRateLimitWindow(http, (ms) => limiter.pause(ms));
  }
  if (connector.oauth2) installOAuth(hub, connector, http, { settings, credentials }, at, signal);
  const ctx: ConnectorContext = {
    tenantId,
    connectionId,
    settings,
    credentials,
    http,
    log: hub.log.child({ tenantId, connectionId, connector: connector.id }),
    signal,
    writtenByHub: (sink, ids) => writtenByHub(hub, at, sink, ids),
  };
  const pacedPerCall = connector.client ? null : limiter;
  const call = vendorCall(hub, connector, ctx, limiter, pacedPerCall, opts.retry ?? DEFAULT_RETRY);
  return { connection, connector, limits, ctx, limiter, call };
}

/**
 * The connection's HTTP client: the connector's own (or a plain one) with error redaction, the
 * shared concurrency limit and endpoint limits installed (pacing and OAuth 2.0 come on top, in
 * `openConnection`).
 */
function openClient(
  hub: Hub,
  connector: ConnectorDef,
  parsed: {
    settings: Record<string, unknown>;
    credentials: Record<string, string>;
    limits: ConnectorLimits;
  },
  at: { tenantId: string; connectionId: string },
  signal: AbortSignal,
): AxiosInstance {
  const { settings, credentials, limits } = parsed;
  const http = installRedaction(
    connector.client ? connector.client(settings, credentials) : axios.create(),
  );
  if (limits.concurrency) {
    const key = hub.keys.inFlight(at.tenantId, at.connectionId);
    boundInFlight(http, new SharedSemaphore(hub.redis, key, limits.concurrency), signal);
  }
  if (limits.endpoints?.length) limitEndpoints(hub, http, at, limits.endpoints, signal);
  return http;
}

/** OAuth 2.0 tokens on every request of the connection's client (after its pacing: see there). */
function installOAuth(
  hub: Hub,
  connector: ConnectorDef,
  http: AxiosInstance,
  parsed: { settings: Record<string, unknown>; credentials: Record<string, string> },
  at: { tenantId: string; connectionId: string },
  signal: AbortSignal,
): void {
  const cache = hub.connections.tokenCache(at.tenantId, at.connectionId);
  const config = connector.oauth2!(parsed.settings, parsed.credentials);
  installOAuth2(http, new OAuth2TokenSource(config, cache, { signal }));
}

/**
 * `ConnectionRuntime.call`: one vendor call under the shared rate limit, retried with backoff
 * when retryable; an auth failure marks the connection broken.
 */
function vendorCall(
  hub: Hub,
  connector: ConnectorDef,
  ctx: ConnectorContext,
  limiter: SharedRateLimiter,
  pacedPerCall: SharedRateLimiter | null,
  policy: RetryPolicy,
): ConnectionRuntime['call'] {
  const { signal } = ctx;
  const classify = classifierOfConnector(connector);
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await withRetry(
        async () => {
          await pacedPerCall?.acquire(1, signal);
          return fn();
        },
        {
          classify,
          policy,
          signal,
          onRetry: async ({ waitMs, error }) => {
            countVendorError(connector.id, error);
            ctx.log.warn(
              { waitMs, status: error.status, reason: error.message },
              'vendor call failed; retrying',
            );
            if (error.retryAfterMs !== null) await limiter.pause(waitMs);
          },
        },
      );
    } catch (err) {
      countVendorError(connector.id, err);
      if (err instanceof AuthError) {
        await hub.connections.setStatus(
          ctx.tenantId,
          ctx.connectionId,
          'broken',
          `${connector.name} refused the credentials: ${err.message}`,
        );
      }
      throw err;
    }
  };
}

/** How a connection answers a call made to prove it: ok, or why not, and its status after. */
export interface ProbeAnswer {
  ok: boolean;
  message: string;
  status: 'active' | 'broken' | 'paused';
}

/** No retries: a person is waiting for the answer (the test, a sample read). */
export const ONE_ATTEMPT: RetryPolicy = {
  attempts: 1,
  baseDelayMs: 0,
  maxDelayMs: 0,
  maxRetryAfterMs: 0,
};

/**
 * Makes one call through an open connection (opened with `ONE_ATTEMPT`), answering as the
 * connection test does: a vendor failure is `ok: false` with its (redacted) message, an auth
 * failure marks the connection broken, and success on a broken connection marks it active again.
 */
export async function probeConnection<T>(
  hub: Hub,
  rt: ConnectionRuntime,
  fn: () => Promise<T>,
): Promise<(ProbeAnswer & { ok: true; value: T }) | (ProbeAnswer & { ok: false })> {
  let value: T;
  try {
    value = await rt.call(fn);
  } catch (err) {
    const status = err instanceof AuthError ? 'broken' : rt.connection.status;
    return { ok: false, message: (err as Error).message, status };
  }
  if (rt.connection.status === 'broken')
    await hub.connections.setStatus(rt.ctx.tenantId, rt.ctx.connectionId, 'active', null);
  const message = `${rt.connector.name} accepted the credentials`;
  return { ok: true, message, status: 'active', value };
}

/**
 * Tests a connection with the connector's `check` call (without retries): ok, or why not. An auth
 * failure marks the connection broken; success on a broken connection marks it active again.
 */
export async function testConnection(
  svc: { hub: Hub; registry: ConnectorRegistry },
  tenantId: string,
  connectionId: string,
): Promise<ProbeAnswer> {
  const rt = await openConnection(svc.hub, svc.registry, tenantId, connectionId, {
    retry: ONE_ATTEMPT,
  });
  const check = rt.connector.check;
  if (!check)
    return {
      ok: true,
      message: `${rt.connector.name} has no test call; settings are valid`,
      status: rt.connection.status,
    };
  const r = await probeConnection(svc.hub, rt, () => check(rt.ctx));
  if (r.ok && r.value?.settings) {
    await svc.hub.connections.update(tenantId, connectionId, {
      settings: { ...rt.connection.settings, ...r.value.settings },
    });
  }
  return { ok: r.ok, message: r.message, status: r.status };
}
