import { z } from 'zod';

import { typedStream } from '../../src/sdk/cursor.ts';
import { pagedReader } from '../../src/sdk/paging.ts';
import type { MailchimpContext } from './call.ts';
import { MAILCHIMP_PAGING } from './cursor.ts';
import { CampaignsPage } from './schemas.ts';

/** Where a pass over the audience's campaigns stands: the offset of the next page. */
const Cursor = z.object({ offset: z.number().int().nonnegative() });

/** What of a campaign the stream asks for (Marketing API `fields`: partial responses). */
const FIELDS = [
  'campaigns.id',
  'campaigns.status',
  'campaigns.create_time',
  'campaigns.send_time',
  'campaigns.settings.title',
  'campaigns.settings.subject_line',
  'total_items',
].join(',');

/** A page of `GET /campaigns` (shared with the touchpoints stream, which lists campaign ids). */
export const campaignsPage = pagedReader({
  paging: MAILCHIMP_PAGING,
  records: 'campaigns',
  schema: CampaignsPage,
});

/**
 * The audience's sent campaigns (`GET /campaigns?list_id&status=sent`, oldest first), a page of
 * up to 1,000 per call, as `{ id, status, create_time, send_time, settings: { title,
 * subject_line } }`: what names the campaign ids email touchpoints carry (the campaigns mapping:
 * the title, else the subject line). Every pass reads them all (an audience has tens of
 * campaigns, and a title may change after the send); records unchanged since are left alone by
 * the engine. The last page ends the pass and the next starts over.
 */
export const campaignsStream = typedStream({
  description: 'The audience’s sent campaigns with their titles and subject lines',
  cursor: Cursor,
  what: 'mailchimp campaigns',
  async read(ctx: MailchimpContext, cursor) {
    const request = {
      url: '/campaigns',
      params: {
        list_id: ctx.settings.listId,
        status: 'sent',
        sort_field: 'create_time',
        sort_dir: 'ASC',
        count: MAILCHIMP_PAGING.pageSize,
        offset: 0,
        fields: FIELDS,
      },
    };
    const page = await campaignsPage(ctx, request, cursor?.offset ?? null);
    const next = page.next === null ? null : Number(page.next);
    return { records: page.body.campaigns, next: { offset: next ?? 0 }, hasMore: next !== null };
  },
});

/** Reads one page of campaigns from a stored cursor (the stream's `read`). */
export const readCampaigns = campaignsStream.read;
