import { z } from '@hono/zod-openapi';

import { channel, currency, isoDate, money } from './common.ts';

/** What one campaign cost on one day. */
export const spendSchema = z.object({
  campaignId: z.string().min(1).describe('Campaign id at the platform.'),
  channel: channel,
  adAccountId: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Ad account at the platform (digits, e.g. 700000000000456): with channel, campaign and date, the spend row is one record however many connections read it.',
    ),
  date: isoDate.describe('Day of the spend, in the account time zone.'),
  amount: money.describe('Spend in minor units (cents) of the account currency.'),
  currency: currency.optional(),
  impressions: z.number().int().nonnegative().optional().describe('Impressions.'),
  clicks: z.number().int().nonnegative().optional().describe('Clicks.'),
});

/** A canonical spend row. */
export type Spend = z.infer<typeof spendSchema>;

/**
 * The natural key of a spend row (flattened canonical fields): platform, ad account, campaign and
 * date. One ad account's spend of one campaign-day is one record, whichever connection read it,
 * so a second connection to the same account updates the same records instead of adding its
 * own. Null when the row does not name its ad account (it is then the connection's own record).
 */
export function spendNaturalKey(f: Readonly<Record<string, unknown>>): string | null {
  const parts = [f.channel, f.adAccountId, f.campaignId, f.date];
  return parts.every((p) => typeof p === 'string' && p !== '') ? parts.join('\n') : null;
}
