import { randomUUID } from 'node:crypto';

import type { MiddlewareHandler } from 'hono';

const SAFE_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Gives every request an id (a caller's `x-request-id` when well-formed) and logs its outcome. */
export function requestContext(): MiddlewareHandler {
  return async function requestContext(c, next) {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    const started = performance.now();
    await next();
    const hub = c.get('hub');
    // Path only: query strings can carry personal data.
    hub?.log.info(
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        tenantId: c.get('auth')?.tenantId || undefined,
        groupId: c.get('auth')?.groupId ?? undefined,
      },
      'request',
    );
  };
}
