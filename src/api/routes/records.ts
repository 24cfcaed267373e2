import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { entityNames, type EntityName } from '../../canonical/index.ts';
import { PageQuerySchema, pageRequest, toPage } from '../../ops/pagination.ts';
import { RecordSchema, recordView } from '../../entities/records.ts';
import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, listOf } from './openapi-helpers.ts';
import { TenantParam } from './schemas.ts';

const list = createRoute({
  tags: ['Records'],
  security: bearer,
  method: 'get',
  path: '/tenants/{tenantId}/records/{entity}',
  summary: 'Canonical records of one entity, in id order',
  middleware: [requirePermission('syncs:read')],
  request: {
    params: TenantParam.extend({
      entity: z
        .enum(entityNames as [EntityName, ...EntityName[]])
        .openapi({ param: { name: 'entity', in: 'path' }, example: 'lead' }),
    }),
    query: PageQuerySchema,
  },
  responses: { 200: listOf(RecordSchema, 'Records'), ...errorResponses(400, 401, 403, 404) },
});

/** Canonical records, a page at a time (the id index: the same order after a restart). */
export function recordRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook }).openapi(list, async (c) => {
    const { tenantId, entity } = c.req.valid('param');
    const req = pageRequest(c.req.valid('query'));
    const { records, last } = await c
      .get('sync')
      .svc.records.walk(tenantId, entity, req.after, req.limit);
    const key = c.get('hub').keys.records(tenantId, entity);
    const views = records.map((r) => recordView(r, `${key} ${r.id}`));
    return c.json(toPage(views, records.length < req.limit ? null : last), 200);
  });
}
