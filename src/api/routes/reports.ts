import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { namedReport } from '../../attribution/group-report.ts';
import { isIsoDate } from '../../attribution/dates.ts';
import { MODELS } from '../../attribution/types.ts';
import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, json } from './openapi-helpers.ts';
import { TenantParam } from './schemas.ts';

const date = z.string().refine(isIsoDate, { message: 'must be a date YYYY-MM-DD' });

/** Query of the attribution report. */
export const AttributionQuery = z.object({
  from: date.describe('First tenant date of the range, inclusive'),
  to: date.describe('Last tenant date of the range, inclusive'),
  model: z.enum(MODELS).default('last_touch').describe('Attribution model'),
  groupBy: z
    .enum(['campaign', 'channel'])
    .default('campaign')
    .describe('Row per campaign or per channel'),
});

/** One row of the attribution report. */
export const Row = z.object({
  channel: z.string(),
  campaignId: z.string().nullable(),
  campaignName: z.string().nullable(),
  spend: z.string(),
  leads: z.number(),
  sold: z.string(),
  soldExact: z.string(),
  gross: z.string(),
  revenue: z.string(),
  costPerLead: z.string().nullable(),
  costPerSale: z.string().nullable(),
  roas: z.string().nullable(),
});
const ReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    model: z.enum(MODELS),
    groupBy: z.enum(['campaign', 'channel']),
    rows: z.array(Row),
    unattributed: Row,
    totals: Row,
  })
  .openapi('AttributionReport');

const attributionReport = createRoute({
  method: 'get',
  path: '/tenants/{tenantId}/reports/attribution',
  tags: ['Reports'],
  summary: 'Spend, leads, sales, gross and ratios per campaign or channel (exact decimal strings)',
  security: bearer,
  middleware: [requirePermission('reports:read')],
  request: { params: TenantParam, query: AttributionQuery },
  responses: { 200: json(ReportSchema, 'The report'), ...errorResponses(401, 403, 404, 422) },
});

const saleAttribution = createRoute({
  method: 'get',
  path: '/tenants/{tenantId}/sales/{saleId}/attribution',
  tags: ['Reports'],
  summary:
    'Explain a sale: the match, the touches in window with credits per model, what was left out and why',
  security: bearer,
  middleware: [requirePermission('reports:read')],
  request: { params: TenantParam.extend({ saleId: z.string() }) },
  responses: {
    200: json(z.record(z.string(), z.unknown()), 'The sale attribution'),
    ...errorResponses(401, 403, 404),
  },
});

/** GET reports/attribution and sales/{saleId}/attribution. */
export function reportRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(attributionReport, async (c) => {
      const { tenantId } = c.req.valid('param');
      return c.json(await namedReport(c.get('hub'), tenantId, c.req.valid('query')), 200);
    })
    .openapi(saleAttribution, async (c) => {
      const { tenantId, saleId } = c.req.valid('param');
      return c.json(
        (await c.get('hub').attribution.explain(tenantId, { saleId })) as unknown as Record<
          string,
          unknown
        >,
        200,
      );
    });
}
