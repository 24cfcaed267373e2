import { createRoute, OpenAPIHono } from '@hono/zod-openapi';

import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { PageQuerySchema, pageRequest, pageSorted } from '../../ops/pagination.ts';
import { bearer, body, json, listOf } from './openapi-helpers.ts';
import { TenantParam } from './schemas.ts';
import {
  BackfillQuery,
  QueuedSchema,
  RunParam,
  RunSchema,
  SyncCreateSchema,
  SyncParam,
  SyncSchema,
} from './sync-schemas.ts';

const base = { tags: ['Syncs'], security: bearer };
const read = () => [requirePermission('syncs:read')];
const write = () => [requirePermission('syncs:write')];
const path = '/tenants/{tenantId}/syncs';
const one = `${path}/{syncId}`;

const action = (verb: string, summary: string, ok: ReturnType<typeof json>) =>
  createRoute({
    ...base,
    method: 'post',
    path: `${one}/${verb}`,
    summary,
    middleware: write(),
    request: { params: SyncParam },
    responses: { 200: ok, ...errorResponses(401, 403, 404, 409) },
  });

const routes = {
  list: createRoute({
    ...base,
    method: 'get',
    path,
    summary: 'List syncs',
    middleware: read(),
    request: { params: TenantParam, query: PageQuerySchema },
    responses: { 200: listOf(SyncSchema, 'Syncs'), ...errorResponses(401, 403, 404) },
  }),
  get: createRoute({
    ...base,
    method: 'get',
    path: one,
    summary: 'One sync',
    middleware: read(),
    request: { params: SyncParam },
    responses: { 200: json(SyncSchema, 'The sync'), ...errorResponses(401, 403, 404) },
  }),
  create: createRoute({
    ...base,
    method: 'post',
    path,
    summary: 'Create a sync (connection + mapping + mode + schedule)',
    middleware: write(),
    request: { params: TenantParam, body: body(SyncCreateSchema, 'The sync') },
    responses: { 201: json(SyncSchema, 'Created'), ...errorResponses(401, 403, 404, 422) },
  }),
  remove: createRoute({
    ...base,
    method: 'delete',
    path: one,
    summary: 'Delete a sync (refused with 409 sync_running while a run of it is going)',
    middleware: write(),
    request: { params: SyncParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409) },
  }),
  run: action('run', 'Run now', json(QueuedSchema, 'Queued')),
  backfill: createRoute({
    ...base,
    method: 'post',
    path: `${one}/backfill`,
    summary:
      'Reset the cursors and run from the beginning (forceResend=true also resends what was delivered)',
    middleware: write(),
    request: { params: SyncParam, query: BackfillQuery },
    responses: { 200: json(QueuedSchema, 'Queued'), ...errorResponses(401, 403, 404, 409) },
  }),
  pause: action('pause', 'Pause (the schedule stops)', json(SyncSchema, 'Paused')),
  resume: action('resume', 'Resume', json(SyncSchema, 'Resumed')),
  runs: createRoute({
    ...base,
    method: 'get',
    path: `${one}/runs`,
    summary: 'Run history, newest first',
    middleware: read(),
    request: { params: SyncParam, query: PageQuerySchema },
    responses: { 200: listOf(RunSchema, 'Runs'), ...errorResponses(401, 403, 404) },
  }),
  runDetail: createRoute({
    ...base,
    method: 'get',
    path: '/tenants/{tenantId}/runs/{runId}',
    summary: 'One run: counts, timing, errors',
    middleware: read(),
    request: { params: RunParam },
    responses: { 200: json(RunSchema, 'The run'), ...errorResponses(401, 403, 404) },
  }),
};

/** Syncs and their runs. */
export function syncRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.list, async (c) => {
      const all = await c.get('sync').svc.syncs.list(c.req.valid('param').tenantId);
      return c.json(
        pageSorted(all, (s) => s.id, pageRequest(c.req.valid('query'))),
        200,
      );
    })
    .openapi(routes.get, async (c) => {
      const { tenantId, syncId } = c.req.valid('param');
      return c.json(await c.get('sync').svc.syncs.get(tenantId, syncId), 200);
    })
    .openapi(routes.create, async (c) =>
      c.json(await c.get('sync').create(c.req.valid('param').tenantId, c.req.valid('json')), 201),
    )
    .openapi(routes.remove, async (c) => {
      const { tenantId, syncId } = c.req.valid('param');
      await c.get('sync').remove(tenantId, syncId);
      return c.body(null, 204);
    })
    .openapi(routes.run, async (c) => {
      const { tenantId, syncId } = c.req.valid('param');
      return c.json({ jobId: await c.get('sync').runNow(tenantId, syncId) }, 200);
    })
    .openapi(routes.backfill, async (c) => {
      const { tenantId, syncId } = c.req.valid('param');
      const forceResend = c.req.valid('query').forceResend === 'true';
      return c.json(
        { jobId: await c.get('sync').backfill(tenantId, syncId, { forceResend }) },
        200,
      );
    })
    .openapi(routes.pause, async (c) => {
      const { tenantId, syncId } = c.req.valid('param');
      return c.json(await c.get('sync').pause(tenantId, syncId), 200);
    })
    .openapi(routes.resume, async (c) => {
      const { tenantId, syncId } = c.req.valid('param');
      return c.json(await c.get('sync').resume(tenantId, syncId), 200);
    })
    .openapi(routes.runs, async (c) => {
      const { tenantId, syncId } = c.req.valid('param');
      await c.get('sync').svc.syncs.get(tenantId, syncId);
      const req = pageRequest(c.req.valid('query'));
      return c.json(await c.get('sync').svc.runs.page(tenantId, syncId, req), 200);
    })
    .openapi(routes.runDetail, async (c) => {
      const { tenantId, runId } = c.req.valid('param');
      return c.json(await c.get('sync').svc.runs.get(tenantId, runId), 200);
    });
}
