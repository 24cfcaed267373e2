import { z } from '@hono/zod-openapi';

import { channel, id, isoDateTime } from './common.ts';
import { contactSchema } from './customer.ts';
import { clickIds } from './lead.ts';

/**
 * One marketing interaction with a person: an ad click, a form fill, an email open, click or bounce.
 * Only `ad_click`, `form_fill` and `email_click` are ever credited (shared rules, "Touch").
 */
export const touchpointSchema = z.object({
  id: id.optional().describe('Hub touchpoint id.'),
  type: z
    .enum(['ad_click', 'form_fill', 'email_open', 'email_click', 'email_bounce'])
    .describe('Kind of interaction.'),
  occurredAt: isoDateTime.describe('When it happened.'),
  channel: channel.optional(),
  campaignId: z.string().optional().describe('Campaign id at the platform.'),
  adSetId: z.string().optional().describe('Ad set or ad group id.'),
  adId: z.string().optional().describe('Ad id.'),
  formId: z.string().optional().describe('Form id (form fills).'),
  keyword: z.string().optional().describe('Search keyword (ad clicks).'),
  url: z.string().optional().describe('Landing or clicked URL.'),
  emailId: z.string().optional().describe('Email (message) id at the email tool.'),
  clickIds: clickIds.optional(),
  customer: contactSchema.optional().describe('Whatever identifies the person.'),
  leadId: z.string().optional().describe('Lead this touchpoint produced, if any.'),
});

/** A canonical touchpoint. */
export type Touchpoint = z.infer<typeof touchpointSchema>;
