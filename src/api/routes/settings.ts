import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { TenantSettingsSchema } from '../../tenants/settings.ts';
import { bearer, json } from './openapi-helpers.ts';
import { TenantParam } from './schemas.ts';

// Built with plain zod (src/tenants), so it carries no `.openapi()`; the route documents it as is.
const Settings = TenantSettingsSchema;

const getSettings = createRoute({
  method: 'get',
  path: '/tenants/{tenantId}/settings',
  tags: ['Tenants'],
  summary: "The tenant's closed-loop settings, defaults filled in",
  security: bearer,
  middleware: [requirePermission('tenant:read')],
  request: { params: TenantParam },
  responses: { 200: json(Settings, 'The settings'), ...errorResponses(401, 403, 404) },
});

const patchSettings = createRoute({
  method: 'patch',
  path: '/tenants/{tenantId}/settings',
  tags: ['Tenants'],
  summary:
    'Change some settings; a change of time zone, lookback, half-life or minimum confidence recomputes attribution in the workers (GET attribution/status shows its progress)',
  security: bearer,
  middleware: [requirePermission('tenant:write')],
  request: {
    params: TenantParam,
    // Validated by the settings store, which answers 400 naming each bad field and why.
    body: {
      required: true,
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
  },
  responses: {
    200: json(Settings, 'The settings after the change'),
    ...errorResponses(400, 401, 403, 404),
  },
});

/** GET and PATCH /v1/tenants/{tenantId}/settings. */
export function settingsRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(getSettings, async (c) => {
      const { tenantId } = c.req.valid('param');
      await c.get('hub').tenants.get(tenantId);
      return c.json(await c.get('hub').settings.get(tenantId), 200);
    })
    .openapi(patchSettings, async (c) => {
      const { tenantId } = c.req.valid('param');
      await c.get('hub').tenants.get(tenantId);
      const change = await c.get('hub').settings.update(tenantId, c.req.valid('json'));
      return c.json(change.after, 200);
    });
}
