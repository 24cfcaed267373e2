import { z } from '@hono/zod-openapi';

import { channel, currency, isoDate, money } from './common.ts';

/** What one campaign cost on one day. */
export const spendSchema = z.object({
  campaignId: z.string().min(1).describe('Campaign id at the platform.'),
  channel: channel,
  date: isoDate.describe('Day of the spend, in the account time zone.'),
  amount: money.describe('Spend in minor units (cents) of the account currency.'),
  currency: currency.optional(),
  impressions: z.number().int().nonnegative().optional().describe('Impressions.'),
  clicks: z.number().int().nonnegative().optional().describe('Clicks.'),
});

/** A canonical spend row. */
export type Spend = z.infer<typeof spendSchema>;
