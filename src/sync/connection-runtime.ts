import axios from 'axios';

import { AppError } from '../errors/app-error.ts';
import type { Hub } from '../hub.ts';
import type { ConnectorContext, ConnectorDef, ConnectorLimits } from '../sdk/connector.ts';
import { AuthError } from '../sdk/errors.ts';
import { classifyHttpError } from '../sdk/http.ts';
import type { ConnectorRegistry } from '../sdk/registry.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../sdk/retry.ts';
import type { Connection } from '../store/connections.ts';
import { SharedRateLimiter } from './rate-limiter.ts';

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

/** Turns zod issues of settings/credentials into a 422 naming each field. */
function parseOrExplain<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
  what: string,
): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new AppError(
    422,
    'invalid_connection',
    `The connection's ${what} are invalid`,
    r.error.issues.map((i) => ({
      path: [what, ...i.path.map(String)].join('.'),
      message: i.message,
    })),
  );
}

/** Validates a connection's settings and credentials against its connector's schemas. */
export function validateConnectionInput(
  connector: ConnectorDef,
  settings: unknown,
  credentials: unknown,
): void {
  parseOrExplain(connector.settings, settings ?? {}, 'settings');
  parseOrExplain(connector.credentials, credentials ?? {}, 'credentials');
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
  const settings = parseOrExplain(connector.settings, connection.settings, 'settings') as Record<
    string,
    unknown
  >;
  const credentials = parseOrExplain(
    connector.credentials,
    await hub.connections.credentials(tenantId, connectionId),
    'credentials',
  ) as Record<string, string>;
  const http = connector.client ? connector.client(settings, credentials) : axios.create();
  const signal = opts.signal ?? new AbortController().signal;
  const ctx: ConnectorContext = {
    tenantId,
    connectionId,
    settings,
    credentials,
    http,
    log: hub.log.child({ tenantId, connectionId, connector: connector.id }),
    signal,
  };
  const limits =
    typeof connector.limits === 'function' ? connector.limits(settings) : connector.limits;
  const limiter = new SharedRateLimiter(
    hub.redis,
    hub.keys.rateBucket(tenantId, connectionId),
    limits.requestsPerSecond,
    limits.burst,
  );
  const classify = connector.classify ?? classifyHttpError;
  return {
    connection,
    connector,
    limits,
    ctx,
    limiter,
    async call<T>(fn: () => Promise<T>): Promise<T> {
      try {
        return await withRetry(
          async () => {
            await limiter.acquire(1, signal);
            return fn();
          },
          {
            classify,
            policy: opts.retry ?? DEFAULT_RETRY,
            signal,
            onRetry: async ({ waitMs, error }) => {
              ctx.log.warn(
                { waitMs, status: error.status, reason: error.message },
                'vendor call failed; retrying',
              );
              if (error.retryAfterMs !== null) await limiter.pause(waitMs);
            },
          },
        );
      } catch (err) {
        if (err instanceof AuthError) {
          await hub.connections.setStatus(
            tenantId,
            connectionId,
            'broken',
            `${connector.name} refused the credentials: ${err.message}`,
          );
        }
        throw err;
      }
    },
  };
}
