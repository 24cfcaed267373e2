import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { dayNumber, isIsoDate } from '../../attribution/dates.ts';
import { ResponseTimeReader } from '../../attribution/response-store.ts';
import { COUNTERS } from '../../quality/counters.ts';
import { DataQualityReader, MAX_QUALITY_DAYS } from '../../quality/report.ts';
import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, json } from './openapi-helpers.ts';
import { TenantParam } from './schemas.ts';

const date = z.string().refine(isIsoDate, { message: 'must be a date YYYY-MM-DD' });

/** A range of tenant dates, `to` not before `from`, at most MAX_QUALITY_DAYS long. */
export const RangeQuery = z
  .object({
    from: date.describe('First tenant date of the range, inclusive'),
    to: date.describe('Last tenant date of the range, inclusive'),
  })
  .superRefine((q, ctx) => {
    if (!isIsoDate(q.from) || !isIsoDate(q.to)) return;
    const days = dayNumber(q.to) - dayNumber(q.from) + 1;
    if (days < 1)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (days > MAX_QUALITY_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range may span at most ${MAX_QUALITY_DAYS} days`,
      });
  });

/** Response-time figures of a store or a salesperson. */
export const Stats = z.object({
  leads: z.number().describe('Leads created in the range'),
  answered: z.number().describe('Leads answered at any time'),
  medianMs: z.number().nullable().describe('Median response time over answered leads, ms'),
  p90Ms: z.number().nullable().describe('90th percentile (linear interpolation), ms'),
  withinSla: z.string().describe('Leads answered within the SLA over all leads, as n/d'),
  withinSlaShare: z.string().nullable().describe('The same share to 4 decimals'),
  unanswered: z.number().describe('No response within 24 hours (exactly 24 h is answered)'),
  pending: z.number().describe('Younger than 24 hours, no response yet'),
});

const ResponseTimeSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    slaMinutes: z.number(),
    store: Stats,
    salespeople: z.array(Stats.extend({ salesperson: z.string() })),
    unansweredLeads: z.array(
      z.object({
        leadId: z.string(),
        customerId: z.string().nullable(),
        createdAt: z.string(),
        salesperson: z.string(),
        answeredAfterMs: z.number().nullable().describe('Null when never answered'),
      }),
    ),
  })
  .openapi('ResponseTimeReport');

const Figures = z.object({
  ...(Object.fromEntries(COUNTERS.map((c) => [c, z.number()])) as Record<
    (typeof COUNTERS)[number],
    z.ZodNumber
  >),
  quarantinedByReason: z.array(z.object({ reason: z.string(), count: z.number() })),
});

const DataQualitySchema = z
  .object({
    from: z.string(),
    to: z.string(),
    sources: z.array(
      z.object({
        connectionId: z.string(),
        connectionName: z.string().nullable(),
        connectorId: z.string().nullable(),
        days: z.array(Figures.extend({ date: z.string() })),
        totals: Figures,
      }),
    ),
  })
  .openapi('DataQualityReport');

const route = (path: string, summary: string, schema: z.ZodType) =>
  createRoute({
    method: 'get',
    path: `/tenants/{tenantId}/reports/${path}`,
    tags: ['Reports'],
    summary,
    security: bearer,
    middleware: [requirePermission('reports:read')],
    request: { params: TenantParam, query: RangeQuery },
    responses: { 200: json(schema, 'The report'), ...errorResponses(401, 403, 404, 422) },
  });

const responseTime = route(
  'response-time',
  'Response time per store and salesperson: median, p90, share within SLA, unanswered, pending',
  ResponseTimeSchema,
);
const dataQuality = route(
  'data-quality',
  'Per source connection and import day: read, quarantined by reason, missing email/phone, invalid values normalized away, duplicates merged',
  DataQualitySchema,
);

/** GET reports/response-time and reports/data-quality. */
export function qualityReportRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(responseTime, async (c) => {
      const { tenantId } = c.req.valid('param');
      const hub = c.get('hub');
      await hub.tenants.get(tenantId);
      const reader = new ResponseTimeReader(hub.redis, hub.keys, hub.settings);
      return c.json(await reader.report(tenantId, c.req.valid('query')), 200);
    })
    .openapi(dataQuality, async (c) => {
      const { tenantId } = c.req.valid('param');
      const hub = c.get('hub');
      await hub.tenants.get(tenantId);
      const reader = new DataQualityReader(hub.redis, hub.keys);
      const connections = await hub.connections.list(tenantId);
      return c.json(await reader.report(tenantId, c.req.valid('query'), connections), 200);
    });
}
