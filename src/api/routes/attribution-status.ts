import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, json } from './openapi-helpers.ts';
import { TenantParam } from './schemas.ts';

const Progress = z
  .object({
    state: z.enum(['running', 'done', 'failed']),
    phase: z.string(),
    done: z.number(),
    total: z.number(),
    sales: z.number().optional(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    jobId: z.string().optional(),
    error: z.string().optional(),
  })
  .openapi('RecomputeProgress');

const Status = z
  .object({
    behind: z.boolean().describe('True while changes or a full recompute wait to be handled'),
    recompute: Progress.nullable().describe('The last full recompute, null when none ran'),
  })
  .openapi('AttributionStatus');

const getStatus = createRoute({
  method: 'get',
  path: '/tenants/{tenantId}/attribution/status',
  tags: ['Reports'],
  summary: "Whether the tenant's attribution is up to date, and the last full recompute's progress",
  security: bearer,
  middleware: [requirePermission('reports:read')],
  request: { params: TenantParam },
  responses: { 200: json(Status, 'The status'), ...errorResponses(401, 403, 404) },
});

const postRecompute = createRoute({
  method: 'post',
  path: '/tenants/{tenantId}/attribution/recompute',
  tags: ['Reports'],
  summary: 'Ask the workers for a full recompute; follow it with GET attribution/status',
  security: bearer,
  middleware: [requirePermission('tenant:write')],
  request: { params: TenantParam },
  responses: {
    202: json(z.object({ jobId: z.string() }), 'The recompute job'),
    ...errorResponses(401, 403, 404),
  },
});

/** GET attribution/status and POST attribution/recompute. */
export function attributionStatusRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(getStatus, async (c) => {
      const { tenantId } = c.req.valid('param');
      const hub = c.get('hub');
      await hub.tenants.get(tenantId);
      const [behind, recompute] = await Promise.all([
        hub.attribution.follower.behind(tenantId),
        hub.attribution.follower.progress(tenantId),
      ]);
      return c.json({ behind, recompute }, 200);
    })
    .openapi(postRecompute, async (c) => {
      const { tenantId } = c.req.valid('param');
      const hub = c.get('hub');
      await hub.tenants.get(tenantId);
      return c.json({ jobId: await hub.attributionJobs.recompute(tenantId) }, 202);
    });
}
