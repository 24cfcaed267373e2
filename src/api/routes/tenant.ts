import { createRoute, OpenAPIHono } from '@hono/zod-openapi';

import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, json } from './openapi-helpers.ts';
import { TenantParam, TenantSchema } from './schemas.ts';

const getTenant = createRoute({
  method: 'get',
  path: '/tenants/{tenantId}',
  tags: ['Tenants'],
  summary: 'The tenant of the API key',
  security: bearer,
  middleware: [requirePermission('tenant:read')],
  request: { params: TenantParam },
  responses: { 200: json(TenantSchema, 'The tenant'), ...errorResponses(401, 403, 404) },
});

/** GET /v1/tenants/{tenantId}. */
export function tenantRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook }).openapi(getTenant, async (c) => {
    const { tenantId } = c.req.valid('param');
    return c.json(await c.get('hub').tenants.get(tenantId), 200);
  });
}
