import nock from 'nock';
import { describe, expect, it } from 'vitest';

import hubspotConnector from '../../../connectors/hubspot/index.ts';
import { lifecycleOfDeal } from '../../../connectors/hubspot/stages.ts';
import { context, fixture, hubspot, useNock, withOwnerLists } from './support.ts';

const deals = hubspotConnector.streams!.deals!;

useNock();

/** The deals search answering `page`, its contact associations and contacts. */
const mockDealsSearch = (page: unknown) =>
  hubspot()
    .post('/crm/v3/objects/deals/search')
    .reply(200, page as Record<string, unknown>)
    .post('/crm/v4/associations/deals/contacts/batch/read')
    .reply(200, fixture('deals-contacts-associations'))
    .post('/crm/v3/objects/contacts/batch/read')
    .reply(200, fixture('contacts-batch-read'));

describe('deals stream', () => {
  it('presents each deal with its lifecycle stage and first contact', async () => {
    let search: Record<string, unknown> = {};
    let assoc: Record<string, unknown> = {};
    let read: Record<string, unknown> = {};
    const api = hubspot()
      .post('/crm/v3/objects/deals/search', (b: Record<string, unknown>) => ((search = b), true))
      .reply(200, fixture('deals-search'))
      .post(
        '/crm/v4/associations/deals/contacts/batch/read',
        (b: Record<string, unknown>) => ((assoc = b), true),
      )
      .reply(200, fixture('deals-contacts-associations'))
      .post(
        '/crm/v3/objects/contacts/batch/read',
        (b: Record<string, unknown>) => ((read = b), true),
      )
      .reply(200, fixture('contacts-batch-read'));
    withOwnerLists(api);

    const ctx = context({
      dealStages: { '88120031': 'appointment' },
      dealIdProperty: 'dms_deal_no',
    });
    const page = await deals.read(ctx, null);
    expect(api.isDone()).toBe(true);
    expect(search).toMatchObject({
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
    });
    expect(search.properties).toEqual(
      expect.arrayContaining(['dealstage', 'pipeline', 'hs_is_closed_won', 'dms_deal_no']),
    );
    expect(assoc).toEqual({ inputs: [{ id: '9001' }, { id: '9002' }] });
    expect(read).toMatchObject({ inputs: [{ id: '51' }, { id: '52' }] });
    expect(page.records).toEqual([
      expect.objectContaining({
        id: '9001',
        objectType: 'deals',
        lifecycleStage: 'sold',
        contactIds: ['51'],
        contact: expect.objectContaining({ email: 'jane.doe@example.com', firstname: 'Jane' }),
        ownerName: 'Dana Brooks',
      }),
      expect.objectContaining({
        id: '9002',
        lifecycleStage: 'appointment',
        contact: expect.objectContaining({ email: 'sam.lee@example.com' }),
        ownerName: 'Dana Brooks',
      }),
    ]);
    expect(page.notes).toBeUndefined();
  });

  it('names each deal owner from the owners API once per client; an owner it does not list keeps the id, noted', async () => {
    const page = fixture('deals-search') as { results: { properties: Record<string, string> }[] };
    page.results[1]!.properties.hubspot_owner_id = '99999'; // no such owner (a user since removed)
    mockDealsSearch(page);
    mockDealsSearch(page);
    const owners = withOwnerLists(hubspot());
    const ctx = context();
    for (let run = 0; run < 2; run++) {
      const read = await deals.read(ctx, null);
      expect(read.records.map((r) => [r.id, r.ownerName])).toEqual([
        ['9001', 'Dana Brooks'],
        ['9002', undefined],
      ]);
      expect(read.records[1]!.properties).toMatchObject({ hubspot_owner_id: '99999' });
      expect(read.notes).toEqual({ unknownOwner: 1 });
    }
    expect(owners.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('names the deals of an archived (deactivated) owner from the archived owners list, not as unknown', async () => {
    const page = fixture('deals-search') as { results: { properties: Record<string, string> }[] };
    page.results[1]!.properties.hubspot_owner_id = '7702'; // Ray Ortiz, who left: archived
    const archived: string[] = [];
    mockDealsSearch(page)
      .get('/crm/v3/owners')
      .query({ limit: 500 })
      .reply(200, fixture('owners'))
      .get('/crm/v3/owners')
      .query((q) => (archived.push(String(q.archived)), q.archived === 'true' && q.limit === '500'))
      .reply(200, fixture('owners-archived'));
    const read = await deals.read(context(), null);
    expect(archived).toEqual(['true']);
    expect(read.records.map((r) => [r.id, r.ownerName])).toEqual([
      ['9001', 'Dana Brooks'],
      ['9002', 'Ray Ortiz'],
    ]);
    expect(read.notes).toBeUndefined();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("skips the deals the hub wrote (its own write record), not those with a user's deal number", async () => {
    const page = fixture('deals-search') as { results: { properties: Record<string, string> }[] };
    // A salesperson typed the DMS deal number into a deal of their own: it is still their deal.
    page.results[0]!.properties.dms_deal_no = 'D-7777';
    page.results[1]!.properties.dms_deal_no = 'D-1001';
    let assoc: Record<string, unknown> = {};
    const api = hubspot()
      .post('/crm/v3/objects/deals/search')
      .reply(200, page)
      .post(
        '/crm/v4/associations/deals/contacts/batch/read',
        (b: Record<string, unknown>) => ((assoc = b), true),
      )
      .reply(200, fixture('deals-contacts-associations'))
      .post('/crm/v3/objects/contacts/batch/read')
      .reply(200, fixture('contacts-batch-read'));
    withOwnerLists(api);
    const ctx = context({ dealIdProperty: 'dms_deal_no' });
    const asked: string[][] = [];
    // The engine answers from the deals sink's link table and write record: the hub wrote 9002.
    ctx.writtenByHub = async (sink, ids) => {
      asked.push([sink, ...ids]);
      return new Set(ids.filter((id) => id === '9002'));
    };
    const result = await deals.read(ctx, null);
    expect(api.isDone()).toBe(true);
    expect(asked).toEqual([['deals', '9001', '9002']]);
    expect(assoc).toEqual({ inputs: [{ id: '9001' }] });
    expect(result.records.map((r) => r.id)).toEqual(['9001']);
    expect(result.nextCursor).not.toBeNull();
  });

  it('reads no associations for an empty page', async () => {
    const api = hubspot()
      .post('/crm/v3/objects/deals/search')
      .reply(200, { total: 0, results: [] });
    const page = await deals.read(context(), null);
    expect(page).toMatchObject({ records: [], hasMore: false });
    expect(api.isDone()).toBe(true);
  });
});

describe('deal stage → lifecycle', () => {
  const deal = (properties: Record<string, string>) => ({ id: '1', properties });

  it('maps the default pipeline: closedwon → sold, closedlost → lost', () => {
    expect(lifecycleOfDeal(deal({ dealstage: 'closedwon' }), {})).toBe('sold');
    expect(lifecycleOfDeal(deal({ dealstage: 'closedlost' }), {})).toBe('lost');
    expect(lifecycleOfDeal(deal({ dealstage: 'appointmentscheduled' }), {})).toBe('appointment');
  });

  it("uses the connection's map first, then HubSpot's closed flags for other pipelines", () => {
    const map = { '1001': 'shown' as const, closedwon: 'shown' as const };
    expect(lifecycleOfDeal(deal({ dealstage: '1001' }), map)).toBe('shown');
    expect(lifecycleOfDeal(deal({ dealstage: 'closedwon' }), map)).toBe('shown');
    expect(lifecycleOfDeal(deal({ dealstage: '2002', hs_is_closed_won: 'true' }), {})).toBe('sold');
    expect(lifecycleOfDeal(deal({ dealstage: '2003', hs_is_closed_lost: 'true' }), {})).toBe(
      'lost',
    );
    expect(
      lifecycleOfDeal(deal({ dealstage: '2004', hs_is_closed_won: 'false' }), {}),
    ).toBeUndefined();
  });
});
