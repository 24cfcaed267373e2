import { z } from 'zod';

import type { StreamPage, SystemRecord } from '../../src/sdk/connector.ts';
import type { MailchimpContext } from './call.ts';
import { isoSeconds, parseCursor } from './cursor.ts';
import { MembersPage, parseBody, type Member } from './schemas.ts';
import { readTags, type LifecycleTags } from './tags.ts';

/** Where a members read resumes: the `since_last_changed` window and the offset inside it. */
const Cursor = z.object({ since: z.string().nullable(), offset: z.number().int().nonnegative() });
type Cursor = z.output<typeof Cursor>;

/** A member as the hub reads it: API fields it maps, tags as names, the lifecycle stage. */
export function presentMember(m: Member, t: LifecycleTags): SystemRecord {
  const { tags, ...rest } = m;
  const names = tags.map((x) => x.name);
  return { ...rest, ...readTags(names, t) };
}

/**
 * The next cursor after a full page whose last record changed at `lastMs`. Members are read
 * oldest change first. Restarting the window one second before that change (`since_last_changed`
 * may be inclusive or exclusive: Mailchimp's reference says "after"; a second earlier is safe
 * either way, re-reading a record or two is harmless) keeps a member that changes mid-read from
 * shifting later offsets. Only when a whole page shares that second does the offset advance.
 */
function advance(cur: Cursor, pageLength: number, lastMs: number): Cursor {
  const since = isoSeconds(lastMs - 1000);
  if (cur.since === null || Date.parse(since) > Date.parse(cur.since)) return { since, offset: 0 };
  return { since: cur.since, offset: cur.offset + pageLength };
}

/**
 * Reads one page of audience members changed since the cursor, oldest change first
 * (`sort_field=last_changed`, `since_last_changed`; count/offset paging, docs.rs mailchimp-api Reports).
 */
export async function readMembers(
  ctx: MailchimpContext,
  cursorText: string | null,
): Promise<StreamPage> {
  const cur = parseCursor(Cursor, cursorText) ?? { since: null, offset: 0 };
  const { listId, pageSize } = ctx.settings;
  const res = await ctx.http.get(`/lists/${encodeURIComponent(listId)}/members`, {
    params: {
      count: pageSize,
      offset: cur.offset,
      sort_field: 'last_changed',
      sort_dir: 'ASC',
      exclude_fields: 'members._links,members.stats,members.location,_links',
      ...(cur.since ? { since_last_changed: cur.since } : {}),
    },
    signal: ctx.signal,
  });
  const page = parseBody(MembersPage, res.data, `GET /lists/${listId}/members`);
  const records = page.members.map((m) => presentMember(m, ctx.settings.lifecycleTags));
  const last = page.members[page.members.length - 1];
  if (!last) return { records, nextCursor: JSON.stringify(cur), hasMore: false };
  const next = advance(cur, page.members.length, Date.parse(last.last_changed));
  const full = page.members.length === pageSize && cur.offset + pageSize < page.total_items;
  // After the last page, the next run starts at the window of the newest change seen.
  return {
    records,
    nextCursor: JSON.stringify(full ? next : { since: next.since, offset: 0 }),
    hasMore: full,
  };
}
