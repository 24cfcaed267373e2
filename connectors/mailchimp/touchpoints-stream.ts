import { createHash } from 'node:crypto';

import { z } from 'zod';

import type { SystemRecord } from '../../src/sdk/connector.ts';
import { typedStream } from '../../src/sdk/cursor.ts';
import { pagedReader, type PagePosition } from '../../src/sdk/paging.ts';
import type { MailchimpContext } from './call.ts';
import { campaignsPage } from './campaigns-stream.ts';
import { isoSeconds, MAILCHIMP_PAGING } from './cursor.ts';
import { EmailActivityPage } from './schemas.ts';

/**
 * Overlap of consecutive passes: activity since the previous pass's start minus this is read
 * again. Covers clock skew and events Mailchimp records late; re-read events keep their ids.
 */
const ACTIVITY_OVERLAP_MS = 60 * 60_000;

/** Pages of campaigns listed per pass at most (1000 each). */
const MAX_CAMPAIGN_PAGES = 20;

/**
 * A pass reads the email activity of each campaign sent within the lookback window, campaign by
 * campaign and page by page; `since` is when the previous pass started.
 */
const Cursor = z.object({
  since: z.string().nullable(),
  passStart: z.string().optional(),
  campaigns: z.array(z.string()).default([]),
  offset: z.number().int().nonnegative().default(0),
});
type Cursor = z.output<typeof Cursor>;

const activityPage = pagedReader({
  paging: MAILCHIMP_PAGING,
  records: 'emails',
  schema: EmailActivityPage,
});

/** Sent campaigns of the audience within the lookback window, oldest first. */
async function listCampaigns(ctx: MailchimpContext): Promise<string[]> {
  const { listId, activityLookbackDays } = ctx.settings;
  const request = {
    url: '/campaigns',
    params: {
      list_id: listId,
      status: 'sent',
      since_send_time: isoSeconds(Date.now() - activityLookbackDays * 86_400_000),
      sort_field: 'send_time',
      sort_dir: 'ASC',
      count: MAILCHIMP_PAGING.pageSize,
      offset: 0,
      fields: 'campaigns.id,campaigns.send_time,total_items',
    },
  };
  const ids: string[] = [];
  let at: PagePosition = null;
  for (let page = 0; page < MAX_CAMPAIGN_PAGES; page++) {
    const read = await campaignsPage(ctx, request, at);
    ids.push(...read.body.campaigns.map((c) => c.id));
    at = read.next;
    if (at === null) break;
  }
  return ids;
}

/** A stable id of one activity event, so a re-read event updates instead of duplicating. */
function activityId(parts: (string | undefined)[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}

/** One page of a campaign's email activity as touchpoint records (opens, clicks, hard bounces). */
async function readActivity(ctx: MailchimpContext, cur: Cursor, campaignId: string) {
  const since = cur.since ? isoSeconds(Date.parse(cur.since) - ACTIVITY_OVERLAP_MS) : null;
  const { pageSize } = ctx.settings;
  const request = {
    url: `/reports/${encodeURIComponent(campaignId)}/email-activity`,
    pageSize,
    params: {
      count: pageSize,
      offset: 0,
      exclude_fields: 'emails._links,_links',
      ...(since ? { since } : {}),
    },
  };
  const read = await activityPage(ctx, request, cur.offset);
  const page = read.body;
  const actions = new Set<string>(ctx.settings.activityActions);
  const after = since ? Date.parse(since) : -Infinity;
  const records: SystemRecord[] = page.emails.flatMap((e) =>
    e.activity
      .filter((a) => actions.has(a.action) && Date.parse(a.timestamp) >= after)
      // A soft bounce is a passing delivery failure; only a hard bounce says the address is dead.
      .filter((a) => a.action !== 'bounce' || a.type === 'hard')
      .map((a) => ({
        id: activityId([e.campaign_id, e.email_id, a.action, a.timestamp, a.url]),
        campaign_id: e.campaign_id,
        list_id: e.list_id,
        email_id: e.email_id,
        email_address: e.email_address,
        action: a.action,
        timestamp: a.timestamp,
        ...(a.url ? { url: a.url } : {}),
      })),
  );
  // Where the campaign's next page starts (the SDK's offset paging), null after its last.
  return { records, next: read.next === null ? null : Number(read.next) };
}

/**
 * Campaign email activity (`GET /reports/{campaign_id}/email-activity`, kestra.io mailchimp
 * ListEmailActivity / GetCampaignReport) of the audience's campaigns as touchpoint records, one
 * page per call.
 */
export const touchpointsStream = typedStream({
  description: 'Opens and clicks of the audience’s recent campaigns',
  cursor: Cursor,
  what: 'mailchimp touchpoints',
  async read(ctx: MailchimpContext, stored) {
    let cur: Cursor = stored ?? { since: null, campaigns: [], offset: 0 };
    if (cur.campaigns.length === 0) {
      cur = { since: cur.since, passStart: isoSeconds(Date.now()), campaigns: [], offset: 0 };
      cur.campaigns = await listCampaigns(ctx);
    }
    const [campaignId, ...rest] = cur.campaigns;
    const page = campaignId
      ? await readActivity(ctx, cur, campaignId)
      : { records: [], next: null };
    const next: Cursor =
      page.next !== null ? { ...cur, offset: page.next } : { ...cur, campaigns: rest, offset: 0 };
    if (next.campaigns.length > 0) return { records: page.records, next, hasMore: true };
    const done: Cursor = { since: cur.passStart ?? null, campaigns: [], offset: 0 };
    return { records: page.records, next: done, hasMore: false };
  },
});

/** Reads one page of touchpoints from a stored cursor (the stream's `read`). */
export const readTouchpoints = touchpointsStream.read;
