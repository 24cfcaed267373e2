import { z } from 'zod';

import type { StreamDef, StreamPage } from '../../src/sdk/connector.ts';
import { cursorCodec } from '../../src/sdk/cursor.ts';
import { addDays, spendWindow } from '../../src/sdk/spend-window.ts';
import type { GoogleAdsContext } from './client.ts';
import { searchStream } from './gaql.ts';
import type { GoogleAdsCredentials, GoogleAdsSettings } from './settings.ts';
import { SpendRow } from './wire.ts';

const day = z.iso.date();
/**
 * The spend stream's cursor: the last day a finished run read (`until`) and, during a run, its
 * days and the first day of the next page (`from`).
 */
const SpendCursor = z.object({
  until: day.optional(),
  run: z.object({ since: day, until: day, from: day }).optional(),
});
type SpendCursor = z.output<typeof SpendCursor>;

const spendCursor = cursorCodec(SpendCursor, 'google-ads spend');

/**
 * GAQL of campaign cost per day (docs/vendors.md (Google Ads), public client code for `/googleAds:searchStream`/developers.google.com/google-ads/api/reference/rpc/v25/SearchGoogleAdsStreamResponse), with the account currency (an attributed
 * `customer` field of the campaign resource) and impressions and clicks. Dates are ISO days the
 * connector made, never user text.
 */
export function spendQuery(from: string, to: string): string {
  return (
    'SELECT campaign.id, campaign.name, segments.date, metrics.cost_micros, ' +
    'metrics.impressions, metrics.clicks, customer.currency_code ' +
    `FROM campaign WHERE segments.date BETWEEN '${from}' AND '${to}'`
  );
}

/**
 * One page of daily cost per campaign: one searchStream call over up to `spendWindowDays` days,
 * every batch of its answer concatenated. The first run reads `spendLookbackDays`; later runs
 * start `spendRestateDays` before the last day read, because Google revises recent cost (invalid
 * clicks credited back, late conversions of cost data) for a few days: re-read days map to the
 * same spend records and update them. Rows keep Google's shape (`metrics.costMicros` as an int64
 * string); mappings/google-ads-spend.yaml turns micros into exact cents.
 */
export async function readSpend(
  ctx: GoogleAdsContext,
  cursor: string | null,
  now = Date.now(),
): Promise<StreamPage> {
  const s = ctx.settings;
  const state = spendCursor.decode(cursor) ?? {};
  const run = state.run ?? { ...spendWindow(s, state.until, now, 'google-ads spend'), from: '' };
  const from = run.from || run.since;
  const last = addDays(from, s.spendWindowDays - 1);
  const to = last < run.until ? last : run.until;
  const records = await searchStream(ctx, spendQuery(from, to), SpendRow);
  if (to < run.until) {
    const next = { ...state, run: { since: run.since, until: run.until, from: addDays(to, 1) } };
    return { records, nextCursor: spendCursor.encode(next), hasMore: true };
  }
  return { records, nextCursor: spendCursor.encode({ until: run.until }), hasMore: false };
}

/** The `spend` stream: cost, impressions and clicks per campaign and day, with campaign names. */
export const spendStream: StreamDef<GoogleAdsSettings, GoogleAdsCredentials> = {
  description: 'Daily cost, impressions and clicks per campaign (GAQL searchStream)',
  read: (ctx, cursor) => readSpend(ctx, cursor),
};
