import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, json } from './openapi-helpers.ts';
import {
  ConnectionCreateSchema,
  ConnectionSchema,
  ConnectionUpdateSchema,
  TenantParam,
} from './schemas.ts';

const read = [requirePermission('connections:read')];
const write = [requirePermission('connections:write')];
const ConnParam = TenantParam.extend({
  connectionId: z
    .string()
    .openapi({ param: { name: 'connectionId', in: 'path' }, example: 'c_1a2b3c4d5e6f7a8b' }),
});
const base = { tags: ['Connections'], security: bearer };
const path = '/tenants/{tenantId}/connections';

const list = createRoute({
  ...base,
  method: 'get',
  path,
  summary: 'List connections',
  middleware: read,
  request: { params: TenantParam },
  responses: {
    200: json(z.object({ items: z.array(ConnectionSchema) }), 'Connections'),
    ...errorResponses(401, 403, 404),
  },
});

const get = createRoute({
  ...base,
  method: 'get',
  path: `${path}/{connectionId}`,
  summary: 'One connection (credentials are never returned)',
  middleware: read,
  request: { params: ConnParam },
  responses: { 200: json(ConnectionSchema, 'The connection'), ...errorResponses(401, 403, 404) },
});

const create = createRoute({
  ...base,
  method: 'post',
  path,
  summary: 'Add a connection',
  middleware: write,
  request: {
    params: TenantParam,
    body: { ...json(ConnectionCreateSchema, 'The connection'), required: true },
  },
  responses: { 201: json(ConnectionSchema, 'Created'), ...errorResponses(401, 403, 404, 413, 422) },
});

const update = createRoute({
  ...base,
  method: 'patch',
  path: `${path}/{connectionId}`,
  summary: 'Change name, settings or credentials',
  middleware: write,
  request: {
    params: ConnParam,
    body: { ...json(ConnectionUpdateSchema, 'Changes'), required: true },
  },
  responses: { 200: json(ConnectionSchema, 'Updated'), ...errorResponses(401, 403, 404, 413, 422) },
});

const remove = createRoute({
  ...base,
  method: 'delete',
  path: `${path}/{connectionId}`,
  summary: 'Delete a connection',
  middleware: write,
  request: { params: ConnParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404) },
});

/** Connection CRUD. Reads for every role; changes for admin and IT. */
export function connectionRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(list, async (c) => {
      const { tenantId } = c.req.valid('param');
      return c.json({ items: await c.get('hub').connections.list(tenantId) }, 200);
    })
    .openapi(get, async (c) => {
      const { tenantId, connectionId } = c.req.valid('param');
      return c.json(await c.get('hub').connections.get(tenantId, connectionId), 200);
    })
    .openapi(create, async (c) => {
      const { tenantId } = c.req.valid('param');
      return c.json(await c.get('hub').connections.create(tenantId, c.req.valid('json')), 201);
    })
    .openapi(update, async (c) => {
      const { tenantId, connectionId } = c.req.valid('param');
      return c.json(
        await c.get('hub').connections.update(tenantId, connectionId, c.req.valid('json')),
        200,
      );
    })
    .openapi(remove, async (c) => {
      const { tenantId, connectionId } = c.req.valid('param');
      await c.get('hub').connections.remove(tenantId, connectionId);
      return c.body(null, 204);
    });
}
