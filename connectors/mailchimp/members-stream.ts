import { z } from 'zod';

import type { SystemRecord } from '../../src/sdk/connector.ts';
import { typedStream } from '../../src/sdk/cursor.ts';
import { pagedReader } from '../../src/sdk/paging.ts';
import type { MailchimpContext } from './call.ts';
import { isoSeconds, MAILCHIMP_PAGING } from './cursor.ts';
import { MembersPage, type Member } from './schemas.ts';
import { readTags, type LifecycleTags } from './tags.ts';

/** Where a members read resumes: the `since_last_changed` window and the offset inside it. */
const Cursor = z.object({ since: z.string().nullable(), offset: z.number().int().nonnegative() });
type Cursor = z.output<typeof Cursor>;

const membersPage = pagedReader({
  paging: MAILCHIMP_PAGING,
  records: 'members',
  schema: MembersPage,
});

/** A member as the hub reads it: API fields it maps, tags as names, the lifecycle stage. */
export function presentMember(m: Member, t: LifecycleTags): SystemRecord {
  const { tags, ...rest } = m;
  const names = tags.map((x) => x.name);
  return { ...rest, ...readTags(names, t) };
}

/**
 * The next cursor after a full page whose last record changed at `lastMs`, `offset` being where
 * the next page of this window starts. Members are read oldest change first. Restarting the
 * window one second before that change (`since_last_changed` may be inclusive or exclusive:
 * Mailchimp's reference says "after"; a second earlier is safe either way, re-reading a record or
 * two is harmless) keeps a member that changes mid-read from shifting later offsets. Only when a
 * whole page shares that second does the offset advance.
 */
function advance(cur: Cursor, offset: number, lastMs: number): Cursor {
  const since = isoSeconds(lastMs - 1000);
  if (cur.since === null || Date.parse(since) > Date.parse(cur.since)) return { since, offset: 0 };
  return { since: cur.since, offset };
}

/** The first page's request of the members window `since` (oldest change first). */
function membersRequest(ctx: MailchimpContext, since: string | null) {
  const { listId, pageSize } = ctx.settings;
  return {
    url: `/lists/${encodeURIComponent(listId)}/members`,
    pageSize,
    params: {
      count: pageSize,
      offset: 0,
      sort_field: 'last_changed',
      sort_dir: 'ASC',
      exclude_fields: 'members._links,members.stats,members.location,_links',
      ...(since ? { since_last_changed: since } : {}),
    },
  };
}

/**
 * Audience members changed since the cursor, one page per call, oldest change first
 * (`sort_field=last_changed`, `since_last_changed`; count/offset paging inside that window,
 * docs.rs mailchimp-api Reports).
 */
export const membersStream = typedStream({
  description: 'Audience members changed since the cursor (oldest change first)',
  cursor: Cursor,
  what: 'mailchimp members',
  async read(ctx: MailchimpContext, stored) {
    const cur = stored ?? { since: null, offset: 0 };
    const page = await membersPage(ctx, membersRequest(ctx, cur.since), cur.offset);
    const members = page.body.members;
    const records = members.map((m) => presentMember(m, ctx.settings.lifecycleTags));
    const last = members[members.length - 1];
    if (!last) return { records, next: cur, hasMore: false };
    const offset = page.next === null ? null : Number(page.next);
    const next = advance(cur, offset ?? 0, Date.parse(last.last_changed));
    // After the last page, the next run starts at the window of the newest change seen.
    if (offset === null) return { records, next: { since: next.since, offset: 0 }, hasMore: false };
    return { records, next, hasMore: true };
  },
});

/** Reads one page of members from a stored cursor (the stream's `read`). */
export const readMembers = membersStream.read;
