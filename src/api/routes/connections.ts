import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { testConnection, validateConnectionInput } from '../../sync/connection-runtime.ts';
import { deleteConnection } from '../../sync/deletion.ts';
import { sampleStream, SAMPLE_DEFAULT_LIMIT, SAMPLE_MAX_LIMIT } from '../../sync/stream-sample.ts';
import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { PageQuerySchema, pageRequest, pageSorted } from '../../ops/pagination.ts';
import { bearer, json, listOf } from './openapi-helpers.ts';
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
  request: { params: TenantParam, query: PageQuerySchema },
  responses: {
    200: listOf(ConnectionSchema, 'Connections'),
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
  responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409) },
});

const ProbeSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  status: z.enum(['active', 'broken', 'paused']),
});

const test = createRoute({
  ...base,
  method: 'post',
  path: `${path}/{connectionId}/test`,
  summary: 'Test the connection: one cheap authenticated call to the system',
  middleware: write,
  request: { params: ConnParam },
  responses: {
    200: json(ProbeSchema, 'ok=false says why; an auth failure marks the connection broken'),
    ...errorResponses(401, 403, 404, 422),
  },
});

const StreamParam = ConnParam.extend({
  stream: z.string().openapi({ param: { name: 'stream', in: 'path' }, example: 'members' }),
});

const SampleSchema = z
  .object({
    limit: z
      .number()
      .int()
      .min(1)
      .max(SAMPLE_MAX_LIMIT)
      .default(SAMPLE_DEFAULT_LIMIT)
      .describe(`Records to read (1-${SAMPLE_MAX_LIMIT})`),
  })
  .strict()
  .openapi('StreamSampleRequest');

const sample = createRoute({
  ...base,
  method: 'post',
  path: `${path}/{connectionId}/streams/{stream}/sample`,
  summary:
    "A dry read of the stream's first records (its first page, cut to limit): nothing is saved",
  middleware: write,
  request: {
    params: StreamParam,
    body: { ...json(SampleSchema, 'How many records'), required: false },
  },
  responses: {
    200: json(
      ProbeSchema.extend({ records: z.array(z.record(z.string(), z.unknown())) }),
      'The records as the connector reads them; ok=false says why (as the test answers)',
    ),
    ...errorResponses(401, 403, 404, 422),
  },
});

/** Connection CRUD. Reads for every role; changes for admin and IT. */
export function connectionRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(list, async (c) => {
      const { tenantId } = c.req.valid('param');
      const all = await c.get('hub').connections.list(tenantId);
      return c.json(
        pageSorted(all, (x) => x.id, pageRequest(c.req.valid('query'))),
        200,
      );
    })
    .openapi(get, async (c) => {
      const { tenantId, connectionId } = c.req.valid('param');
      return c.json(await c.get('hub').connections.get(tenantId, connectionId), 200);
    })
    .openapi(create, async (c) => {
      const { tenantId } = c.req.valid('param');
      const input = c.req.valid('json');
      const connector = c.get('sync').svc.registry.get(input.connectorId);
      validateConnectionInput(connector, input.settings, input.credentials);
      return c.json(await c.get('hub').connections.create(tenantId, input), 201);
    })
    .openapi(update, async (c) => {
      const { tenantId, connectionId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const hub = c.get('hub');
      const current = await hub.connections.get(tenantId, connectionId);
      validateConnectionInput(
        c.get('sync').svc.registry.get(current.connectorId),
        patch.settings ?? current.settings,
        patch.credentials ?? (await hub.connections.credentials(tenantId, connectionId)),
      );
      return c.json(await hub.connections.update(tenantId, connectionId, patch), 200);
    })
    .openapi(test, async (c) => {
      const { tenantId, connectionId } = c.req.valid('param');
      return c.json(await testConnection(c.get('sync').svc, tenantId, connectionId), 200);
    })
    .openapi(sample, async (c) => {
      const { tenantId, connectionId, stream } = c.req.valid('param');
      const limit = (c.req.valid('json') as { limit?: number } | undefined)?.limit;
      const at = { tenantId, connectionId, stream };
      return c.json(await sampleStream(c.get('sync').svc, at, limit), 200);
    })
    .openapi(remove, async (c) => {
      const { tenantId, connectionId } = c.req.valid('param');
      await deleteConnection(c.get('sync').svc, tenantId, connectionId);
      return c.body(null, 204);
    });
}
