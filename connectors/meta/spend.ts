import { z } from 'zod';

import type { StreamDef, StreamPage } from '../../src/sdk/connector.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { spendWindow } from '../../src/sdk/spend-window.ts';
import { INSIGHTS_FIELDS } from './constants.ts';
import type { MetaContext } from './forms.ts';
import { nextAfter } from './paging.ts';
import { edgePage, InsightsRow, parseGraph } from './schemas.ts';
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

const InsightsPage = edgePage(InsightsRow);

function parseCursor(cursor: string | null): SpendCursor {
  if (!cursor) return {};
  try {
    return SpendCursor.parse(JSON.parse(cursor));
  } catch {
    throw new PermanentError(`meta spend: bad cursor ${JSON.stringify(cursor)}`);
  }
}

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
  const state = parseCursor(cursor);
  const run: { since: string; until: string; after?: string } =
    state.run ?? spendWindow(s, state.until, now, 'meta spend');
  const res = await ctx.http.get(`/${account}/insights`, {
    params: {
      level: 'campaign',
      fields: INSIGHTS_FIELDS.join(','),
      time_range: JSON.stringify({ since: run.since, until: run.until }),
      time_increment: 1,
      limit: s.pageSize,
      ...(run.after ? { after: run.after } : {}),
    },
    signal: ctx.signal,
  });
  const page = parseGraph(InsightsPage, res.data, `GET /${account}/insights`);
  const after = nextAfter(page.paging);
  return after
    ? {
        records: page.data,
        nextCursor: JSON.stringify({ ...state, run: { ...run, after } }),
        hasMore: true,
      }
    : { records: page.data, nextCursor: JSON.stringify({ until: run.until }), hasMore: false };
}

/** The `spend` stream: daily spend per campaign from the Marketing API insights edge. */
export const spendStream: StreamDef<MetaSettings, MetaCredentials> = {
  description: 'Daily spend, impressions and clicks per campaign (Marketing API insights)',
  read: (ctx, cursor) => readSpend(ctx, cursor),
};
