import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';

import { ResponseTimeReader } from '../../../src/attribution/response-store.ts';
import { runSync } from '../../../src/sync/run-sync.ts';
import { useHubSpotEngine } from './engine-support.ts';
import { fixture, hubspot, withOwnerLists } from './support.ts';

// Response time per salesperson takes the answering activity's user, else the lead's assignedTo.
// Engagements carried the owner's name and deals the owner id, so one salesperson showed as two
// ("Dana Brooks" for the leads she answered, "7731" for those she did not). Deals now carry the
// name too (owners API, once per run); an owner HubSpot does not name stays the id, noted.

const TENANT = 'store-owners';
const MIN = 60_000;
const world = useHubSpotEngine(TENANT, { engagementTypes: ['calls'] });
beforeEach(async () => {
  await world.h.hub.settings.update(TENANT, {
    timeZone: 'America/Chicago',
    responseSlaMinutes: 15,
  });
});

type Obj = { id: string; properties: Record<string, unknown> };
const contacts = {
  results: [
    ...fixture<{ results: Obj[] }>('contacts-batch-read').results,
    { id: '53', properties: { email: 'lou.park@example.com', firstname: 'Lou', lastname: 'Park' } },
  ],
};
const [jane, sam] = fixture<{ results: Obj[] }>('deals-search').results;
// A third deal, for Lou (contact 53), owned by a user the owners API does not list.
const lou: Obj = {
  ...sam!,
  id: '9003',
  properties: {
    ...sam!.properties,
    hs_object_id: '9003',
    dealname: 'Bronco Sport - Lou Park',
    createdate: '2026-11-07T16:00:00.000Z',
    hubspot_owner_id: '99999',
  },
};
const links = (pairs: [string, number][]) => ({
  results: pairs.map(([from, to]) => ({ from: { id: from }, to: [{ toObjectId: to }] })),
});
// Dana (owner 7731) calls Jane 12 minutes after Jane's deal was created.
const JANE_CREATED = Date.parse(String(jane!.properties.createdate));
const call: Obj = {
  id: '40900',
  properties: {
    hs_object_id: '40900',
    hs_call_direction: 'OUTBOUND',
    hs_call_title: 'Call back about the Escape',
    hs_timestamp: new Date(JANE_CREATED + 12 * MIN).toISOString(),
    hs_createdate: new Date(JANE_CREATED + 12 * MIN).toISOString(),
    hs_lastmodifieddate: new Date(JANE_CREATED + 13 * MIN).toISOString(),
    hubspot_owner_id: '7731',
  },
};

/** One page of `type` objects, their contacts, and the account's owners (read once per run). */
function mockPage(type: 'deals' | 'calls', objects: Obj[], assoc: [string, number][]) {
  const api = hubspot()
    .post(`/crm/v3/objects/${type}/search`)
    .reply(200, { total: objects.length, results: objects })
    .post(`/crm/v4/associations/${type}/contacts/batch/read`)
    .reply(200, links(assoc))
    .post('/crm/v3/objects/contacts/batch/read')
    .reply(200, contacts);
  return withOwnerLists(api);
}

const addSync = (mapping: string) =>
  world.h.engine.service.create(TENANT, {
    name: mapping,
    connectionId: world.connectionId,
    mapping,
    mode: 'inbound',
  });

describe('HubSpot owners by name on deals and engagements alike', () => {
  it('response time groups one salesperson’s answered and unanswered leads under one name', async () => {
    const svc = world.h.engine.service.svc;
    const deals = await addSync('hubspot-deals');
    mockPage(
      'deals',
      [jane!, sam!, lou],
      [
        ['9001', 51],
        ['9002', 52],
        ['9003', 53],
      ],
    );
    const dealsRun = await runSync(svc, TENANT, deals.id, 'manual');
    expect(dealsRun).toMatchObject({ status: 'succeeded', counts: { read: 3, created: 3 } });
    // Not silent: the deal whose owner HubSpot does not name is counted.
    expect(dealsRun?.notes).toMatchObject({ unknownOwner: 1 });

    const calls = await addSync('hubspot-engagements');
    mockPage('calls', [call], [['40900', 51]]);
    const callsRun = await runSync(svc, TENANT, calls.id, 'manual');
    expect(callsRun).toMatchObject({ status: 'succeeded', counts: { read: 1, created: 1 } });
    expect(callsRun?.notes?.unknownOwner).toBeUndefined();
    expect(nock.pendingMocks()).toEqual([]);

    const dealLinks = world.h.hub.keys.links(TENANT, world.connectionId, 'deals');
    const assigned = async (dealId: string) => {
      const leadId = await world.h.hub.redis.hget(dealLinks, `deals:${dealId}`);
      return (await svc.records.get(TENANT, 'lead', leadId!))?.f.assignedTo;
    };
    expect(await assigned('9001')).toBe('Dana Brooks');
    expect(await assigned('9002')).toBe('Dana Brooks');
    expect(await assigned('9003')).toBe('99999');

    const report = await new ResponseTimeReader(
      world.h.hub.redis,
      world.h.hub.keys,
      world.h.hub.settings,
    ).report(TENANT, { from: '2026-11-01', to: '2026-11-30' }, Date.parse('2026-12-01T12:00:00Z'));
    expect(report.salespeople).toEqual([
      expect.objectContaining({ salesperson: '99999', leads: 1, answered: 0, unanswered: 1 }),
      // Jane answered by Dana's call (the activity's user), Sam not answered (the deal's owner).
      expect.objectContaining({
        salesperson: 'Dana Brooks',
        leads: 2,
        answered: 1,
        medianMs: 12 * MIN,
        withinSla: '1/2',
        unanswered: 1,
      }),
    ]);
    expect(report.store).toMatchObject({ leads: 3, answered: 1 });
  });
});
