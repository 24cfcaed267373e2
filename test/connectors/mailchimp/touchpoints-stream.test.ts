import { afterEach, describe, expect, it, vi } from 'vitest';

import { readTouchpoints } from '../../../connectors/mailchimp/touchpoints-stream.ts';
import { PermanentError } from '../../../src/sdk/errors.ts';
import { shippedMapping } from '../meta/support.ts';
import { context, decode, fixture, LIST, mailchimp, useNock } from './support.ts';

useNock();
afterEach(() => vi.useRealTimers());

const NOW = new Date('2026-11-25T12:00:00Z');
const activity = (id: string) => `/3.0/reports/${id}/email-activity`;

describe('touchpoints stream', () => {
  it('reads opens and clicks of each recent campaign, page by page, as stable records', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const ctx = context({ pageSize: 2 });
    mailchimp()
      .get('/3.0/campaigns')
      .query({
        list_id: LIST,
        status: 'sent',
        since_send_time: '2026-10-26T12:00:00+00:00',
        sort_field: 'send_time',
        sort_dir: 'ASC',
        count: '1000',
        offset: '0',
        fields: 'campaigns.id,campaigns.send_time,total_items',
      })
      .reply(200, fixture('campaigns'));
    mailchimp()
      .get(activity('42694e9e57'))
      .query({ count: '2', offset: '0', exclude_fields: 'emails._links,_links' })
      .reply(200, fixture('email-activity-42694e9e57-page-1'));
    const first = await readTouchpoints(ctx, null);
    // The open, the click and the hard bounce are touchpoints, each of its own type.
    expect(first.records).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        campaign_id: '42694e9e57',
        list_id: LIST,
        email_id: expect.any(String),
        email_address: 'jane.doe@example.com',
        action: 'open',
        timestamp: '2026-11-10T16:01:02+00:00',
      },
      expect.objectContaining({
        action: 'click',
        url: 'https://www.acmeford.example/inventory/f150?utm_source=mailchimp',
      }),
      expect.objectContaining({ action: 'bounce', email_address: 'sam.lee@example.com' }),
    ]);
    const m = await shippedMapping('mailchimp-touchpoints');
    expect(first.records.map((r) => m.in(r).value)).toEqual([
      expect.objectContaining({ type: 'email_open', channel: 'email', campaignId: '42694e9e57' }),
      expect.objectContaining({ type: 'email_click', channel: 'email', campaignId: '42694e9e57' }),
      expect.objectContaining({ type: 'email_bounce', customer: { email: 'sam.lee@example.com' } }),
    ]);
    expect(first.hasMore).toBe(true);
    expect(decode(first.nextCursor)).toEqual({
      since: null,
      passStart: '2026-11-25T12:00:00+00:00',
      campaigns: ['42694e9e57', '9a1c3e5b7d'],
      offset: 2,
    });

    mailchimp()
      .get(activity('42694e9e57'))
      .query((q) => q.offset === '2')
      .reply(200, fixture('email-activity-42694e9e57-page-2'));
    const second = await readTouchpoints(ctx, first.nextCursor);
    expect(second.records.map((r) => r.email_address)).toEqual(['pat.kim@example.com']);
    expect(decode(second.nextCursor)).toMatchObject({ campaigns: ['9a1c3e5b7d'], offset: 0 });

    mailchimp()
      .get(activity('9a1c3e5b7d'))
      .query((q) => q.offset === '0')
      .reply(200, fixture('email-activity-9a1c3e5b7d'));
    const third = await readTouchpoints(ctx, second.nextCursor);
    expect(third.records).toEqual([expect.objectContaining({ action: 'click' })]);
    // The pass is over: the next one reads activity since this pass started.
    expect(third.hasMore).toBe(false);
    expect(decode(third.nextCursor)).toEqual({
      since: '2026-11-25T12:00:00+00:00',
      campaigns: [],
      offset: 0,
    });

    // Reading the same page again gives the same ids (re-reads update, never duplicate).
    mailchimp()
      .get(activity('9a1c3e5b7d'))
      .query(true)
      .reply(200, fixture('email-activity-9a1c3e5b7d'));
    const again = await readTouchpoints(ctx, second.nextCursor);
    expect(again.records[0]!.id).toBe(third.records[0]!.id);
  });

  it('asks only for activity since the previous pass (with an hour of overlap) and keeps clicks only when told', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    mailchimp()
      .get('/3.0/campaigns')
      .query(true)
      .reply(200, { campaigns: [{ id: '9a1c3e5b7d' }], total_items: 1 });
    mailchimp()
      .get(activity('9a1c3e5b7d'))
      .query((q) => q.since === '2026-11-19T10:30:00+00:00')
      .reply(200, {
        ...fixture('email-activity-42694e9e57-page-1'),
        total_items: 2,
      });
    const page = await readTouchpoints(
      context({ activityActions: ['click'] }),
      JSON.stringify({ since: '2026-11-19T11:30:00+00:00', campaigns: [], offset: 0 }),
    );
    // The click at 16:02 on Nov 10 is older than the window: filtered out like the open.
    expect(page.records).toEqual([]);
    expect(page.hasMore).toBe(false);
  });

  it('reads a stored cursor of the older shape (since only) as the start of a pass', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    mailchimp().get('/3.0/campaigns').query(true).reply(200, { campaigns: [], total_items: 0 });
    const page = await readTouchpoints(
      context(),
      JSON.stringify({ since: '2026-11-19T11:30:00+00:00' }),
    );
    expect(page.nextCursor).toBe(
      JSON.stringify({ since: '2026-11-25T12:00:00+00:00', campaigns: [], offset: 0 }),
    );
    await expect(readTouchpoints(context(), '{"since":"x","offset":-1}')).rejects.toThrow(
      /mailchimp touchpoints: the stored cursor is bad: field "offset"/,
    );
  });

  it('ends the pass at once when no campaign was sent in the lookback window', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    mailchimp().get('/3.0/campaigns').query(true).reply(200, { campaigns: [], total_items: 0 });
    const page = await readTouchpoints(context(), null);
    expect(page).toEqual({
      records: [],
      nextCursor: JSON.stringify({ since: '2026-11-25T12:00:00+00:00', campaigns: [], offset: 0 }),
      hasMore: false,
    });
  });

  it('fails a malformed activity page as permanent', async () => {
    mailchimp()
      .get('/3.0/campaigns')
      .query(true)
      .reply(200, { campaigns: [{ id: 'c1' }], total_items: 1 });
    mailchimp()
      .get(activity('c1'))
      .query(true)
      .reply(200, { emails: [{ campaign_id: 'c1' }] });
    await expect(readTouchpoints(context(), null)).rejects.toThrow(PermanentError);
  });
});
