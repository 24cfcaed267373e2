import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, json } from './openapi-helpers.ts';
import { ApiKeyCreateSchema, ApiKeySchema, TenantParam } from './schemas.ts';

const admin = [requirePermission('apikeys:manage')];
const KeyParam = TenantParam.extend({
  keyId: z.string().openapi({ param: { name: 'keyId', in: 'path' } }),
});

const list = createRoute({
  method: 'get',
  path: '/tenants/{tenantId}/api-keys',
  tags: ['API keys'],
  summary: 'List API keys (secrets are never shown again)',
  security: bearer,
  middleware: admin,
  request: { params: TenantParam },
  responses: {
    200: json(z.object({ items: z.array(ApiKeySchema) }), 'Keys'),
    ...errorResponses(401, 403, 404),
  },
});

const create = createRoute({
  method: 'post',
  path: '/tenants/{tenantId}/api-keys',
  tags: ['API keys'],
  summary: 'Create an API key; the token is shown once',
  security: bearer,
  middleware: admin,
  request: {
    params: TenantParam,
    body: { ...json(ApiKeyCreateSchema, 'The new key'), required: true },
  },
  responses: {
    201: json(z.object({ token: z.string(), key: ApiKeySchema }), 'Created; store the token now'),
    ...errorResponses(401, 403, 404, 422),
  },
});

const revoke = createRoute({
  method: 'delete',
  path: '/tenants/{tenantId}/api-keys/{keyId}',
  tags: ['API keys'],
  summary: 'Revoke an API key',
  security: bearer,
  middleware: admin,
  request: { params: KeyParam },
  responses: { 200: json(ApiKeySchema, 'Revoked'), ...errorResponses(401, 403, 404) },
});

/** API key management, for admins of the tenant. */
export function apiKeyRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(list, async (c) => {
      const { tenantId } = c.req.valid('param');
      return c.json({ items: await c.get('hub').apiKeys.list(tenantId) }, 200);
    })
    .openapi(create, async (c) => {
      const { tenantId } = c.req.valid('param');
      const { role, name } = c.req.valid('json');
      return c.json(await c.get('hub').apiKeys.create(tenantId, role, name), 201);
    })
    .openapi(revoke, async (c) => {
      const { tenantId, keyId } = c.req.valid('param');
      return c.json(await c.get('hub').apiKeys.revoke(tenantId, keyId), 200);
    });
}
