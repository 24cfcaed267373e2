import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, body, json, listOf } from './openapi-helpers.ts';
import { PageQuerySchema, pageRequest } from '../../ops/pagination.ts';
import { TenantParam } from './schemas.ts';
import {
  DeadLetterSchema,
  EntryParam,
  QuarantineEntrySchema,
  ReplaySchema,
} from './sync-schemas.ts';

const read = () => [requirePermission('syncs:read')];
const write = () => [requirePermission('syncs:write')];
const ListQuery = PageQuerySchema.extend({
  syncId: z
    .string()
    .optional()
    .openapi({ param: { name: 'syncId', in: 'query' } }),
});

/** Routes of one kind of entry store: quarantine or dead letters. */
function entryRoutes(kind: 'quarantine' | 'dead-letters') {
  const base = { tags: [kind === 'quarantine' ? 'Quarantine' : 'Dead letters'], security: bearer };
  const entry = kind === 'quarantine' ? QuarantineEntrySchema : DeadLetterSchema;
  const path = `/tenants/{tenantId}/${kind}`;
  return {
    list: createRoute({
      ...base,
      method: 'get',
      path,
      summary: `List ${kind === 'quarantine' ? 'quarantined records' : 'dead letters'}`,
      middleware: read(),
      request: { params: TenantParam, query: ListQuery },
      responses: { 200: listOf(entry, 'Entries'), ...errorResponses(401, 403, 404) },
    }),
    get: createRoute({
      ...base,
      method: 'get',
      path: `${path}/{entryId}`,
      summary: 'One entry',
      middleware: read(),
      request: { params: EntryParam },
      responses: { 200: json(entry, 'The entry'), ...errorResponses(401, 403, 404) },
    }),
    discard: createRoute({
      ...base,
      method: 'delete',
      path: `${path}/{entryId}`,
      summary: 'Discard an entry',
      middleware: write(),
      request: { params: EntryParam },
      responses: { 204: { description: 'Discarded' }, ...errorResponses(401, 403, 404) },
    }),
  };
}

const q = entryRoutes('quarantine');
const d = entryRoutes('dead-letters');
const replayQ = createRoute({
  tags: ['Quarantine'],
  security: bearer,
  method: 'post',
  path: '/tenants/{tenantId}/quarantine/{entryId}/replay',
  summary: 'Fix (optional) and replay a quarantined record',
  middleware: write(),
  request: {
    params: EntryParam,
    body: { ...body(ReplaySchema, 'The corrected record, or {}'), required: false },
  },
  responses: {
    200: json(
      z.object({ replayed: z.boolean(), entry: QuarantineEntrySchema.nullable() }),
      'replayed=false: refused again, with the new reasons',
    ),
    ...errorResponses(401, 403, 404, 422),
  },
});
const replayD = createRoute({
  tags: ['Dead letters'],
  security: bearer,
  method: 'post',
  path: '/tenants/{tenantId}/dead-letters/{entryId}/replay',
  summary: 'Send a dead letter again',
  middleware: write(),
  request: { params: EntryParam },
  responses: {
    200: json(z.object({ replayed: z.literal(true) }), 'Queued'),
    ...errorResponses(401, 403, 404),
  },
});

/** Quarantine and dead letters: list, inspect, replay, discard. */
export function entriesRoutes() {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  for (const [routes, store] of [
    [q, 'quarantine'],
    [d, 'deadLetters'],
  ] as const) {
    app
      .openapi(routes.list, async (c) => {
        const { tenantId } = c.req.valid('param');
        const query = c.req.valid('query');
        const entries = c.get('sync').svc[store];
        return c.json(await entries.page(tenantId, pageRequest(query), query.syncId), 200);
      })
      .openapi(routes.get, async (c) => {
        const { tenantId, entryId } = c.req.valid('param');
        return c.json(await c.get('sync').svc[store].get(tenantId, entryId), 200);
      })
      .openapi(routes.discard, async (c) => {
        const { tenantId, entryId } = c.req.valid('param');
        await c.get('sync').svc[store].remove(tenantId, entryId);
        return c.body(null, 204);
      });
  }
  return app
    .openapi(replayQ, async (c) => {
      const { tenantId, entryId } = c.req.valid('param');
      const fixed = c.req.valid('json')?.record;
      return c.json(await c.get('sync').replayQuarantined(tenantId, entryId, fixed), 200);
    })
    .openapi(replayD, async (c) => {
      const { tenantId, entryId } = c.req.valid('param');
      await c.get('sync').replayDeadLetter(tenantId, entryId);
      return c.json({ replayed: true as const }, 200);
    });
}
