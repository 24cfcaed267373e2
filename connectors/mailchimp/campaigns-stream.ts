import { z } from 'zod';

import type { StreamPage } from '../../src/sdk/connector.ts';
import type { MailchimpContext } from './call.ts';
import { parseCursor } from './cursor.ts';
import { MAX_PAGE_SIZE } from './limits.ts';
import { CampaignsPage, parseBody } from './schemas.ts';

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

/**
 * The audience's sent campaigns (`GET /campaigns?list_id&status=sent`, oldest first), a page of
 * up to 1,000 per call, as `{ id, status, create_time, send_time, settings: { title,
 * subject_line } }`: what names the campaign ids email touchpoints carry (the campaigns mapping:
 * the title, else the subject line). Every pass reads them all (an audience has tens of
 * campaigns, and a title may change after the send); records unchanged since are left alone by
 * the engine. The last page ends the pass and the next starts over.
 */
export async function readCampaigns(
  ctx: MailchimpContext,
  cursorText: string | null,
): Promise<StreamPage> {
  const { offset } = parseCursor(Cursor, cursorText) ?? { offset: 0 };
  const res = await ctx.http.get('/campaigns', {
    params: {
      list_id: ctx.settings.listId,
      status: 'sent',
      sort_field: 'create_time',
      sort_dir: 'ASC',
      count: MAX_PAGE_SIZE,
      offset,
      fields: FIELDS,
    },
    signal: ctx.signal,
  });
  const body = parseBody(CampaignsPage, res.data, 'GET /campaigns');
  const next = offset + body.campaigns.length;
  const more = body.campaigns.length === MAX_PAGE_SIZE && next < body.total_items;
  return {
    records: body.campaigns,
    nextCursor: JSON.stringify({ offset: more ? next : 0 }),
    hasMore: more,
  };
}
