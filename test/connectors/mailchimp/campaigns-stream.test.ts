import { describe, expect, it } from 'vitest';

import { readCampaigns } from '../../../connectors/mailchimp/campaigns-stream.ts';
import { shippedMapping } from '../meta/support.ts';
import { context, decode, fixture, LIST, mailchimp, useNock } from './support.ts';

useNock();

const FIELDS =
  'campaigns.id,campaigns.status,campaigns.create_time,campaigns.send_time,campaigns.settings.title,campaigns.settings.subject_line,total_items';
const query = (offset: number) => ({
  list_id: LIST,
  status: 'sent',
  sort_field: 'create_time',
  sort_dir: 'ASC',
  count: '1000',
  offset: String(offset),
  fields: FIELDS,
});

describe('campaigns stream', () => {
  it("reads the audience's sent campaigns; the mapping names each by its title, else its subject line", async () => {
    mailchimp().get('/3.0/campaigns').query(query(0)).reply(200, fixture('campaigns-named'));
    const page = await readCampaigns(context(), null);
    expect(page.hasMore).toBe(false);
    expect(decode(page.nextCursor)).toEqual({ offset: 0 }); // the next pass starts over
    expect(page.records.map((r) => r.id)).toEqual(['42694e9e57', '9a1c3e5b7d']);
    const m = await shippedMapping('mailchimp-campaigns');
    expect(page.records.map((r) => m.in(r))).toEqual([
      expect.objectContaining({
        quarantined: false,
        value: { campaignId: '42694e9e57', channel: 'email', name: 'November service specials' },
      }),
      // Untitled in Mailchimp: named by the subject line its recipients saw.
      expect.objectContaining({
        quarantined: false,
        value: {
          campaignId: '9a1c3e5b7d',
          channel: 'email',
          name: 'Black Friday on the lot: 0% APR for 60 months',
        },
      }),
    ]);
    expect(m.recordKey(page.records[0]!)).toBe('42694e9e57');
  });

  it('pages by offset while a page is full, then ends the pass', async () => {
    const full = Array.from({ length: 1000 }, (_, i) => ({
      id: `c${String(i).padStart(9, '0')}`,
      settings: { title: `Campaign ${i}`, subject_line: '' },
    }));
    mailchimp()
      .get('/3.0/campaigns')
      .query(query(0))
      .reply(200, { campaigns: full, total_items: 1001 });
    mailchimp()
      .get('/3.0/campaigns')
      .query(query(1000))
      .reply(200, { campaigns: [{ id: 'last', settings: { title: 'Last' } }], total_items: 1001 });
    const first = await readCampaigns(context(), null);
    expect(first).toMatchObject({ hasMore: true });
    expect(first.records).toHaveLength(1000);
    expect(decode(first.nextCursor)).toEqual({ offset: 1000 });
    const second = await readCampaigns(context(), first.nextCursor);
    expect(second.records.map((r) => r.id)).toEqual(['last']);
    expect(second).toMatchObject({ hasMore: false });
    expect(decode(second.nextCursor)).toEqual({ offset: 0 });
  });

  it('refuses an answer without campaign ids, naming the field', async () => {
    mailchimp()
      .get('/3.0/campaigns')
      .query(query(0))
      .reply(200, { campaigns: [{ settings: { title: 'No id' } }], total_items: 1 });
    await expect(readCampaigns(context(), null)).rejects.toThrow(/campaigns\.0\.id/);
  });
});
