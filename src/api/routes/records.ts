import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { entityNames, type EntityName } from '../../canonical/index.ts';
import { PageQuerySchema, pageRequest, toPage } from '../../ops/pagination.ts';
import { unflatten } from '../../records/flat.ts';
import type { StoredRecord } from '../../records/merge.ts';
import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, listOf } from './openapi-helpers.ts';
import { TenantParam } from './schemas.ts';

/** A canonical record as the API shows it. */
export const RecordSchema = z
  .object({
    id: z.string(),
    entity: z.enum(entityNames as [EntityName, ...EntityName[]]),
    version: z.number().int().describe('+1 on every change'),
    customerId: z.string().optional().describe('The customer the record belongs to'),
    matchKey: z.enum(['email', 'phone', 'namePostal']).optional(),
    matchConfidence: z.enum(['high', 'medium']).optional(),
    fields: z.record(z.string(), z.unknown()).describe('The canonical fields'),
  })
  .openapi('Record');

/** The API form of a stored record. */
export function recordView(r: StoredRecord): z.infer<typeof RecordSchema> {
  return {
    id: r.id,
    entity: r.entity as EntityName,
    version: r.v,
    ...(r.customerId ? { customerId: r.customerId } : {}),
    ...(r.matchKey ? { matchKey: r.matchKey } : {}),
    ...(r.matchConfidence ? { matchConfidence: r.matchConfidence } : {}),
    fields: unflatten(r.f),
  };
}

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
    return c.json(toPage(records.map(recordView), records.length < req.limit ? null : last), 200);
  });
}
