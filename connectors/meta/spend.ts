import { z } from 'zod';

import type { StreamDef, StreamPage } from '../../src/sdk/connector.ts';
import { cursorCodec } from '../../src/sdk/cursor.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { spendWindow } from '../../src/sdk/spend-window.ts';
import { INSIGHTS_FIELDS } from './constants.ts';
import type { MetaContext } from './forms.ts';
import { edgeReader } from './paging.ts';
import { InsightsRow } from './schemas.ts';
import type { MetaCredentials, MetaSettings } from './settings.ts';

const day = z.iso.date();
/**
 * The spend stream's cursor: the last day read by a finished run (`until`), and during a run its
 * window and next page.
 */
const SpendCursor = z.object({
  until: day.optional(),
  run: z.object({ since: day, until: day, after: z.string().optional() }).optional(),
});
type SpendCursor = z.output<typeof SpendCursor>;

const insightsPage = edgeReader(InsightsRow);
const spendCursor = cursorCodec(SpendCursor, 'meta spend');

/**
 * One page of daily spend per campaign: `GET /act_{id}/insights?level=campaign&time_increment=1
 * &time_range={since,until}` (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/reference/ad-account/insights). The first run reads `spendLookbackDays`; later
 * runs start `spendRestateDays` before the last day read, because Meta keeps restating recent
 * days, and end today in the account's time zone. Rows keep Graph's shape (decimal strings).
 */
export async function readSpend(
  ctx: MetaContext,
  cursor: string | null,
  now = Date.now(),
): Promise<StreamPage> {
  const s = ctx.settings;
  if (!s.adAccountId) throw new PermanentError('meta spend: set adAccountId to read insights');
  const account = s.adAccountId.startsWith('act_') ? s.adAccountId : `act_${s.adAccountId}`;
  const state = spendCursor.decode(cursor) ?? {};
  const run: { since: string; until: string; after?: string } =
    state.run ?? spendWindow(s, state.until, now, 'meta spend');
  const request = {
    url: `/${account}/insights`,
    params: {
      level: 'campaign',
      fields: INSIGHTS_FIELDS.join(','),
      time_range: JSON.stringify({ since: run.since, until: run.until }),
      time_increment: 1,
      limit: s.pageSize,
    },
  };
  const page = await insightsPage(ctx, request, run.after ?? null);
  const after = page.next === null ? null : String(page.next);
  const next: SpendCursor = after ? { ...state, run: { ...run, after } } : { until: run.until };
  return { records: page.body.data, nextCursor: spendCursor.encode(next), hasMore: !!after };
}

/** The `spend` stream: daily spend per campaign from the Marketing API insights edge. */
export const spendStream: StreamDef<MetaSettings, MetaCredentials> = {
  description: 'Daily spend, impressions and clicks per campaign (Marketing API insights)',
  read: (ctx, cursor) => readSpend(ctx, cursor),
};
