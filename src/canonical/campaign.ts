import { z } from '@hono/zod-openapi';

import { channel, currency, id, isoDate, money } from './common.ts';

/** A marketing campaign at an ad platform or email tool. */
export const campaignSchema = z.object({
  id: id.optional().describe('Hub campaign id.'),
  campaignId: z
    .string()
    .min(1)
    .optional()
    .describe('Campaign id at the platform: the id its spend, leads and touches carry.'),
  channel: channel,
  name: z.string().optional().describe('Campaign name.'),
  status: z.enum(['active', 'paused', 'ended']).optional().describe('Delivery status.'),
  objective: z.string().optional().describe('Objective as the platform names it.'),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
  budget: money.optional().describe('Budget in minor units (cents).'),
  currency: currency.optional(),
});

/** A canonical campaign. */
export type Campaign = z.infer<typeof campaignSchema>;
