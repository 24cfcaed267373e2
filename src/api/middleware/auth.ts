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

/** A 403 with a reason. */
const forbidden = (message: string) => new AppError(403, 'forbidden', message);

/** Path of a store's reports under /v1, the only tenant paths a group key reads. */
const REPORT_PATH = /^\/v1\/tenants\/[^/]+\/reports\//;

/**
 * Tenant scoping, the one place it is enforced. A tenant key only sees its own tenant: anything
 * of another tenant answers 404, exactly as if it did not exist, so tenant ids cannot be probed.
 * A group key reads (GET) the reports of its group's current member stores and nothing else; a
 * hub key reaches no store. Their refusals are 403s whose answer does not depend on whether the
 * tenant exists.
 */
export function tenantScope(): MiddlewareHandler {
  return async function tenantScope(c, next) {
    const tenantId = c.req.param('tenantId') ?? '';
    const auth = c.get('auth');
    if (auth.scope === 'hub')
      throw forbidden(
        `A hub key manages tenant groups; a store's data needs a key of that store or of one of its groups`,
      );
    if (auth.scope === 'group') {
      if (c.req.method !== 'GET' || !REPORT_PATH.test(c.req.path))
        throw forbidden(
          `Group keys are read-only and read reports only: GET /v1/tenants/{tenantId}/reports/... of the stores of group "${auth.groupId}"`,
        );
      if (!(await c.get('hub').groups.hasMember(auth.groupId ?? '', tenantId)))
        throw forbidden(`Tenant "${tenantId}" is not a member of group "${auth.groupId}"`);
    } else if (!tenantId || tenantId !== auth.tenantId) throw notFound('tenant');
    await next();
  };
}

/**
 * Group scoping: a group's routes are for keys of that group and for hub keys. A tenant key, or a
 * key of another group, is refused with 403 whether or not the group exists.
 */
export function groupScope(): MiddlewareHandler {
  return async function groupScope(c, next) {
    const groupId = c.req.param('groupId') ?? '';
    const auth = c.get('auth');
    if (auth.scope === 'tenant')
      throw forbidden(
        `This key is scoped to tenant "${auth.tenantId}"; group reports need a key of the group (dealerloop apikey create --group ${groupId}) or a hub key`,
      );
    if (auth.scope === 'group' && auth.groupId !== groupId)
      throw forbidden(`This key is scoped to group "${auth.groupId}", not group "${groupId}"`);
    await next();
  };
}

/** Refuses the request with 403 unless it comes with a hub key (managing groups and their keys). */
export function requireHubKey(): MiddlewareHandler {
  return async function requireHubKey(c, next) {
    if (c.get('auth').scope !== 'hub')
      throw forbidden(
        'Creating, changing and deleting tenant groups and their keys needs a hub key (dealerloop apikey create --hub)',
      );
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
