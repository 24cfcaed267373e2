import { describe, expect, it } from 'vitest';

import { subscriberHash } from '../../../connectors/mailchimp/hash.ts';
import mailchimpConnector from '../../../connectors/mailchimp/index.ts';
import { readMembers } from '../../../connectors/mailchimp/members-stream.ts';
import { classifierOf } from '../../../src/sdk/error-table.ts';
import { AuthError, PermanentError, RetryableError } from '../../../src/sdk/errors.ts';
import { context, decode, fixture, LIST, mailchimp, PROBLEM, useNock } from './support.ts';

useNock();

const path = `/3.0/lists/${LIST}/members`;
const classify = classifierOf(mailchimpConnector.errors!);

describe('members stream', () => {
  it('reads a page, oldest change first, with tags read as lifecycle and tags', async () => {
    mailchimp()
      .get(path)
      .query({
        count: '2',
        offset: '0',
        sort_field: 'last_changed',
        sort_dir: 'ASC',
        exclude_fields: 'members._links,members.stats,members.location,_links',
      })
      .reply(200, fixture('members-page-1'));
    const page = await readMembers(context({ pageSize: 2 }), null);
    expect(page.records).toHaveLength(2);
    expect(page.records[0]).toMatchObject({
      id: subscriberHash('jane.doe@example.com'),
      email_address: 'jane.doe@example.com',
      status: 'subscribed',
      merge_fields: { FNAME: 'Jane', LNAME: 'Doe' },
      lifecycle: 'prospect',
      tags: ['Newsletter'],
    });
    // The owner tag wins over prospect; the service tag reads as the canonical tag "service".
    expect(page.records[1]).toMatchObject({ lifecycle: 'owner', tags: ['service'] });
    expect(page.records[0]).not.toHaveProperty('stats');
    // A full page of a larger window: more to read, from one second before the last change.
    expect(page.hasMore).toBe(true);
    expect(decode(page.nextCursor)).toEqual({ since: '2026-11-20T10:05:29+00:00', offset: 0 });
  });

  it('pages with count/offset inside one window, then resumes from the newest change', async () => {
    const ctx = context({ pageSize: 2 });
    mailchimp()
      .get(path)
      .query((q) => q.since_last_changed === undefined && q.offset === '0')
      .reply(200, fixture('members-page-1'));
    mailchimp()
      .get(path)
      .query((q) => q.since_last_changed === '2026-11-20T10:05:29+00:00' && q.offset === '0')
      .reply(200, fixture('members-page-2'));
    const first = await readMembers(ctx, null);
    const second = await readMembers(ctx, first.nextCursor);
    expect(second.records.map((r) => r.email_address)).toEqual(['pat.kim@example.com']);
    expect(second.hasMore).toBe(false);
    expect(decode(second.nextCursor)).toEqual({ since: '2026-11-21T08:29:59+00:00', offset: 0 });

    // Nothing new: the cursor stays where it is.
    mailchimp()
      .get(path)
      .query((q) => q.since_last_changed === '2026-11-21T08:29:59+00:00')
      .reply(200, { members: [], total_items: 0 });
    const idle = await readMembers(ctx, second.nextCursor);
    expect(idle).toEqual({ records: [], nextCursor: second.nextCursor, hasMore: false });
  });

  it('advances the offset when a whole page changed within the same second', async () => {
    const body = fixture<{ members: { last_changed: string }[] }>('members-page-1');
    for (const m of body.members) m.last_changed = '2026-11-20T10:00:00+00:00';
    const since = '2026-11-20T09:59:59+00:00';
    mailchimp()
      .get(path)
      .query((q) => q.since_last_changed === since && q.offset === '0')
      .reply(200, { ...body, total_items: 5 });
    const page = await readMembers(context({ pageSize: 2 }), JSON.stringify({ since, offset: 0 }));
    expect(page.hasMore).toBe(true);
    expect(decode(page.nextCursor)).toEqual({ since, offset: 2 });
  });

  it('classifies a wrong or expired API key (401 problem+json) as an auth failure', async () => {
    mailchimp().get(path).query(true).reply(401, fixture('problem-api-key-invalid'), PROBLEM);
    const err = classify(await readMembers(context(), null).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain('API Key Invalid');
  });

  it('classifies 429 (too many simultaneous connections) as retryable', async () => {
    mailchimp().get(path).query(true).reply(429, fixture('problem-too-many-requests'), PROBLEM);
    const err = classify(await readMembers(context(), null).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).status).toBe(429);
  });

  it('fails a malformed page as permanent, naming the field', async () => {
    mailchimp().get(path).query(true).reply(200, fixture('members-malformed'));
    await expect(readMembers(context(), null)).rejects.toThrow(PermanentError);
    mailchimp().get(path).query(true).reply(200, fixture('members-malformed'));
    await expect(readMembers(context(), null)).rejects.toThrow(/members\.0\.last_changed/);
  });

  it('refuses an unreadable cursor instead of silently starting over', async () => {
    await expect(readMembers(context(), '{"since":3}')).rejects.toThrow(
      /mailchimp members: the stored cursor is bad: field "since"/,
    );
    await expect(readMembers(context(), 'not json')).rejects.toThrow(/stored cursor is not JSON/);
  });
});
