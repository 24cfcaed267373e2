import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { groupAttributionReport, groupResponseTime } from '../../attribution/group-report.ts';
import { MODELS } from '../../attribution/types.ts';
import { AppError } from '../../errors/app-error.ts';
import { errorResponses, validationHook } from '../errors.ts';
import { requireHubKey, requirePermission } from '../middleware/auth.ts';
import { bearer, body, json } from './openapi-helpers.ts';
import { RangeQuery, Stats } from './quality-reports.ts';
import { AttributionQuery, Row } from './reports.ts';
import { GroupCreateSchema, GroupParam, GroupSchema } from './schemas.ts';

const MemberParam = GroupParam.extend({
  tenantId: z.string().openapi({ param: { name: 'tenantId', in: 'path' }, example: 'acme-ford' }),
});
const Store = z.object({
  tenantId: z.string(),
  name: z.string(),
  timeZone: z.string().describe("The store's zone: from and to are dates in it"),
  currency: z.string(),
});
const StoreRow = Row.extend({ tenantId: z.string(), tenantName: z.string(), currency: z.string() });

const GroupReportSchema = z
  .object({
    groupId: z.string(),
    groupName: z.string(),
    from: z.string(),
    to: z.string(),
    model: z.enum(MODELS),
    groupBy: z.enum(['campaign', 'channel']),
    stores: z.array(Store),
    rows: z.array(StoreRow).describe('A row per store × campaign or channel'),
    unattributed: z.array(StoreRow).describe("Each store's unattributed row"),
    subtotals: z.array(StoreRow).describe("Each store's totals (its own report's totals row)"),
    totals: z
      .array(Row.extend({ currency: z.string(), stores: z.array(z.string()) }))
      .describe('The sums of the subtotals, one per currency (never across currencies)'),
  })
  .openapi('GroupAttributionReport');

const GroupResponseSchema = z
  .object({
    groupId: z.string(),
    groupName: z.string(),
    from: z.string(),
    to: z.string(),
    stores: z
      .array(Store.extend({ slaMinutes: z.number() }).merge(Stats))
      .describe("Each store's own figures (its report's `store`), over its own dates and SLA"),
    salespeople: z
      .array(
        Stats.extend({ tenantId: z.string(), tenantName: z.string(), salesperson: z.string() }),
      )
      .describe("Each store's salespeople (its report's `salespeople`), store by store"),
  })
  .openapi('GroupResponseTimeReport');

const tags = ['Tenant groups'];
const reads = [requirePermission('reports:read')];

const list = createRoute({
  method: 'get',
  path: '/groups',
  tags,
  summary: 'Tenant groups: every group for a hub key, its own for a group key',
  security: bearer,
  responses: {
    200: json(z.object({ items: z.array(GroupSchema) }), 'Groups'),
    ...errorResponses(401, 403),
  },
});
const create = createRoute({
  method: 'post',
  path: '/groups',
  tags,
  summary: 'Create a tenant group (hub keys)',
  security: bearer,
  middleware: [requireHubKey()],
  request: { body: body(GroupCreateSchema, 'The group') },
  responses: { 201: json(GroupSchema, 'Created'), ...errorResponses(401, 403, 404, 409, 422) },
});
const show = createRoute({
  method: 'get',
  path: '/groups/{groupId}',
  tags,
  summary: 'A tenant group and its member stores',
  security: bearer,
  request: { params: GroupParam },
  responses: { 200: json(GroupSchema, 'The group'), ...errorResponses(401, 403, 404) },
});
const member = (method: 'put' | 'delete', summary: string) =>
  createRoute({
    method,
    path: '/groups/{groupId}/members/{tenantId}',
    tags,
    summary,
    security: bearer,
    middleware: [requireHubKey()],
    request: { params: MemberParam },
    responses: { 200: json(GroupSchema, 'The group now'), ...errorResponses(401, 403, 404) },
  });
const addMember = member('put', 'Add a store to a group (hub keys; adding it again is a no-op)');
const removeMember = member('delete', 'Remove a store from a group (hub keys)');
const remove = createRoute({
  method: 'delete',
  path: '/groups/{groupId}',
  tags,
  summary: 'Delete a group (hub keys): its keys are revoked; its member stores and their data stay',
  security: bearer,
  middleware: [requireHubKey()],
  request: { params: GroupParam },
  responses: {
    200: json(
      z.object({
        group: GroupSchema.describe('The group as it was'),
        revokedKeys: z.array(z.string()).describe('Ids of the group keys revoked now'),
      }),
      'Deleted',
    ),
    ...errorResponses(401, 403, 404),
  },
});
const attribution = createRoute({
  method: 'get',
  path: '/groups/{groupId}/reports/attribution',
  tags,
  summary:
    'The attribution report of every member store, each over its own dates, with totals per currency',
  security: bearer,
  middleware: reads,
  request: { params: GroupParam, query: AttributionQuery },
  responses: { 200: json(GroupReportSchema, 'The report'), ...errorResponses(401, 403, 404, 422) },
});
const responseTime = createRoute({
  method: 'get',
  path: '/groups/{groupId}/reports/response-time',
  tags,
  summary:
    'Response time of every member store and of each of its salespeople, each over its own dates and SLA',
  security: bearer,
  middleware: reads,
  request: { params: GroupParam, query: RangeQuery },
  responses: {
    200: json(GroupResponseSchema, 'The report'),
    ...errorResponses(401, 403, 404, 422),
  },
});

/** Tenant groups and their reports (scoped by `groupScope` in app.ts). */
export function groupRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(list, async (c) => {
      const auth = c.get('auth');
      const groups = c.get('hub').groups;
      if (auth.scope === 'tenant')
        throw new AppError(403, 'forbidden', 'Tenant keys see no groups: use a group or hub key');
      const items =
        auth.scope === 'hub'
          ? await groups.list()
          : [await groups.find(auth.groupId ?? '')].filter((g) => g !== null);
      return c.json({ items }, 200);
    })
    .openapi(create, async (c) =>
      c.json(await c.get('hub').groups.create(c.req.valid('json')), 201),
    )
    .openapi(show, async (c) =>
      c.json(await c.get('hub').groups.get(c.req.valid('param').groupId), 200),
    )
    .openapi(remove, async (c) =>
      c.json(await c.get('hub').groups.delete(c.req.valid('param').groupId), 200),
    )
    .openapi(addMember, async (c) => {
      const { groupId, tenantId } = c.req.valid('param');
      return c.json(await c.get('hub').groups.add(groupId, [tenantId]), 200);
    })
    .openapi(removeMember, async (c) => {
      const { groupId, tenantId } = c.req.valid('param');
      return c.json(await c.get('hub').groups.remove(groupId, [tenantId]), 200);
    })
    .openapi(attribution, async (c) => {
      const { groupId } = c.req.valid('param');
      return c.json(await groupAttributionReport(c.get('hub'), groupId, c.req.valid('query')), 200);
    })
    .openapi(responseTime, async (c) => {
      const { groupId } = c.req.valid('param');
      return c.json(await groupResponseTime(c.get('hub'), groupId, c.req.valid('query')), 200);
    });
}
