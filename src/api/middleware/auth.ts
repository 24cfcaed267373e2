import type { MiddlewareHandler } from 'hono';

import { can, type Permission } from '../../auth/roles.ts';
import { AppError, notFound } from '../../errors/app-error.ts';

/** Requires `Authorization: Bearer <api key>`; sets `auth` on the context. */
export function bearerAuth(): MiddlewareHandler {
  return async function bearerAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const key = m?.[1] ? await c.get('hub').apiKeys.verify(m[1]) : null;
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer realm="dealerloop"');
      throw new AppError(
        401,
        'unauthorized',
        'A valid API key is required: Authorization: Bearer dlk_...',
      );
    }
    c.set('auth', key);
    await next();
  };
}

/**
 * Tenant scoping, the one place it is enforced: a key only sees its own tenant. Anything of another
 * tenant answers 404, exactly as if it did not exist, so tenant ids cannot be probed.
 */
export function tenantScope(): MiddlewareHandler {
  return async function tenantScope(c, next) {
    const tenantId = c.req.param('tenantId');
    if (!tenantId || tenantId !== c.get('auth').tenantId) throw notFound('tenant');
    await next();
  };
}

/** Refuses the request with 403 unless the key's role holds `permission`. */
export function requirePermission(permission: Permission): MiddlewareHandler {
  return async function requirePermission(c, next) {
    const { role } = c.get('auth');
    if (!can(role, permission)) {
      throw new AppError(
        403,
        'forbidden',
        `The "${role}" role cannot do this (needs ${permission})`,
      );
    }
    await next();
  };
}
