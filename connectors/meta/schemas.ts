import { z } from 'zod';

import { parseVendorBody } from '../../src/sdk/vendor-body.ts';

/** Graph API paging block: `cursors.after` and, when there is a next page, `next` (docs/vendors.md (Meta)). */
export const Paging = z
  .object({
    cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
    next: z.string().optional(),
  })
  .optional();

/** One answer of a form question: `{ name, values[] }` (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/guides/lead-ads/retrieving). */
export const FieldDatum = z.object({ name: z.string(), values: z.array(z.string()).default([]) });

/** A Lead node as read with `LEAD_FIELDS` and, when asked, the ad context fields. */
export const GraphLead = z
  .object({
    id: z.string().min(1),
    created_time: z.string().min(1),
    field_data: z.array(FieldDatum).default([]),
    form_id: z.string().optional(),
    ad_id: z.string().optional(),
    ad_name: z.string().optional(),
    adset_id: z.string().optional(),
    adset_name: z.string().optional(),
    campaign_id: z.string().optional(),
    campaign_name: z.string().optional(),
    is_organic: z.boolean().optional(),
    platform: z.string().optional(),
  })
  .loose();
/** A Lead node. */
export type GraphLead = z.output<typeof GraphLead>;

/** A page of an edge: `{ data: [...], paging }`. */
export const edgePage = <T extends z.ZodType>(row: T) =>
  z.object({ data: z.array(row), paging: Paging });

/** A lead form as `/{page_id}/leadgen_forms?fields=id,name,status` lists it. */
export const LeadForm = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  status: z.string().optional(),
});
/** A lead form. */
export type LeadForm = z.output<typeof LeadForm>;

/** An ad with its ad set and campaign, as `AD_CONTEXT_FIELDS` expands them. */
export const AdContext = z.object({
  id: z.string(),
  name: z.string().optional(),
  adset: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  campaign: z.object({ id: z.string(), name: z.string().optional() }).optional(),
});

/** One insights row per campaign and day; numbers come as decimal strings (docs/vendors.md (Meta)). */
export const InsightsRow = z
  .object({
    account_id: z.string().optional(),
    campaign_id: z.string().min(1),
    campaign_name: z.string().optional(),
    spend: z.string().optional(),
    impressions: z.string().optional(),
    clicks: z.string().optional(),
    account_currency: z.string().optional(),
    date_start: z.string(),
    date_stop: z.string(),
  })
  .loose();

/** Parses a Graph answer with a schema, or fails the call as permanent, naming the field. */
export const parseGraph = parseVendorBody;
