import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { decodeDestination } from '../../../src/sync/destinations.ts';
import { runSync } from '../../../src/sync/run-sync.ts';
import { useHubSpotEngine } from './engine-support.ts';
import { deal, fixture, hubspot, mockDealsPage, windowFilter, withOwnerLists } from './support.ts';

const TENANT = 'store-a';
const world = useHubSpotEngine(TENANT, { requestsPerSecond: 4 });

const svc = () => world.h.engine.service.svc;
const addSync = (mapping: string, mode: 'inbound' | 'outbound' | 'two-way') =>
  world.h.engine.service.create(TENANT, {
    name: mapping,
    connectionId: world.connectionId,
    mapping,
    mode,
  });

/** A new record as the DMS connection writes it (version 0), `changed` its fields by default. */
const fromDms = (
  entity: string,
  id: string,
  f: Record<string, unknown>,
  changed = Object.keys(f),
) => ({
  record: { id, entity, v: 0, f, m: {} },
  expected: 0,
  changed,
  sourceConnectionId: 'dms-conn',
});

describe('HubSpot through the sync engine', () => {
  it('a HubSpot deal moved to closed-won appears as canonical stage `sold`', async () => {
    const sync = await addSync('hubspot-deals', 'inbound');
    mockDealsPage(deal('presentationscheduled', '2026-11-20T12:00:00.000Z'));
    const first = await runSync(svc(), TENANT, sync.id, 'manual');
    expect(first).toMatchObject({ status: 'succeeded', counts: { read: 1, created: 1 } });

    const leadId = await world.h.hub.redis.hget(
      world.h.hub.keys.links(TENANT, world.connectionId, 'deals'),
      'deals:9001',
    );
    expect(leadId).toBeTruthy();
    const before = await svc().records.get(TENANT, 'lead', leadId!);
    expect(before?.f).toMatchObject({ stage: 'shown', 'customer.email': 'jane.doe@example.com' });
    expect(before?.customerId).toBeTruthy();

    // The salesperson moves the deal to closed-won; the next run reads it from where it stopped.
    let search: Record<string, unknown> = {};
    mockDealsPage(deal('closedwon', '2026-11-21T18:00:05.220Z', true), (b) => (search = b));
    const second = await runSync(svc(), TENANT, sync.id, 'manual');
    expect(second).toMatchObject({ status: 'succeeded', counts: { read: 1, updated: 1 } });
    expect(search).toMatchObject(
      windowFilter('hs_lastmodifieddate', 'GTE', Date.parse('2026-11-20T12:00:00.000Z')),
    );
    const after = await svc().records.get(TENANT, 'lead', leadId!);
    expect(after?.f.stage).toBe('sold');
    expect(after?.customerId).toBe(before?.customerId);
    const customer = await svc().records.get(TENANT, 'customer', after!.customerId!);
    expect(customer?.f).toMatchObject({ email: 'jane.doe@example.com', firstName: 'Jane' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('waits out a 429 TEN_SECONDLY_ROLLING and carries on', async () => {
    const sync = await addSync('hubspot-deals', 'inbound');
    hubspot()
      .post('/crm/v3/objects/deals/search')
      .reply(429, fixture('error-429-ten-secondly'), { 'Retry-After': '0.05' });
    mockDealsPage(deal('closedwon', '2026-11-21T18:00:05.220Z', true));
    const run = await runSync(svc(), TENANT, sync.id, 'manual');
    expect(run).toMatchObject({ status: 'succeeded', counts: { read: 1, created: 1 } });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('contacts both ways: no echo of what came in; a hub change goes out upserted by email', async () => {
    const sync = await addSync('hubspot-contacts', 'two-way');
    const [jane] = fixture<{ results: unknown[] }>('contacts-search-page-1').results;
    hubspot()
      .post('/crm/v3/objects/contacts/search')
      .reply(200, { total: 1, results: [jane] });
    const first = await runSync(svc(), TENANT, sync.id, 'manual');
    // Nothing goes back to HubSpot: it already has exactly this (no upsert was mocked).
    expect(first).toMatchObject({ status: 'succeeded', counts: { created: 1, skipped: 1 } });

    // The hub learns a better phone for the customer (say from a DMS sale).
    const customerId = (await world.h.hub.redis.hget(
      world.h.hub.keys.links(TENANT, world.connectionId, 'contacts'),
      '51',
    ))!;
    const customer = (await svc().records.get(TENANT, 'customer', customerId))!;
    const expected = customer.v;
    customer.f.mobilePhone = '+15125550199';
    await svc().records.writeMany(TENANT, [
      { record: customer, expected, changed: ['mobilePhone'], sourceConnectionId: 'dms-conn' },
    ]);

    let body: { inputs: Record<string, unknown>[] } = { inputs: [] };
    hubspot()
      .post('/crm/v3/objects/contacts/search')
      .reply(200, { total: 0, results: [] })
      .post('/crm/v3/objects/contacts/batch/upsert', (b: typeof body) => ((body = b), true))
      .reply(200, fixture('contacts-upsert-200'));
    const second = await runSync(svc(), TENANT, sync.id, 'manual');
    expect(second).toMatchObject({ status: 'succeeded', counts: { written: 1 } });
    expect(body.inputs).toEqual([
      expect.objectContaining({
        idProperty: 'email',
        id: 'jane.doe@example.com',
        properties: expect.objectContaining({ mobilephone: '+15125550199', firstname: 'Jane' }),
      }),
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('an expired token marks the connection broken and fails the run without retries', async () => {
    const sync = await addSync('hubspot-deals', 'inbound');
    hubspot().post('/crm/v3/objects/deals/search').reply(401, fixture('error-401-expired'));
    await expect(runSync(svc(), TENANT, sync.id, 'manual')).rejects.toThrow(
      /EXPIRED_AUTHENTICATION/,
    );
    const connection = await world.h.hub.connections.get(TENANT, world.connectionId);
    expect(connection.status).toBe('broken');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('writes DMS sales as deals: ids linked, a refused record quarantined with its reason', async () => {
    const sync = await addSync('hubspot-sales', 'outbound');
    const sale = (id: string, dealNumber: string) =>
      fromDms(
        'sale',
        id,
        {
          dealNumber,
          saleDate: '2026-11-21',
          newUsed: 'new',
          price: 3245000,
          'vehicle.year': 2025,
          'vehicle.make': 'Ford',
          'vehicle.model': 'Escape',
        },
        ['dealNumber'],
      );
    await svc().records.writeMany(TENANT, [sale('sal_a', 'D-1001'), sale('sal_b', 'D-1002')]);
    let body: { inputs: { id: string; objectWriteTraceId: string }[] } = { inputs: [] };
    hubspot()
      .post('/crm/v3/objects/deals/batch/upsert', (b: typeof body) => ((body = b), true))
      .reply(207, () => ({
        status: 'COMPLETE',
        results: [{ id: '9100', properties: { dms_deal_number: 'D-1001' } }],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: 'Property values were not valid',
            // A new sync walks the records in hash order: find D-1002 by its id, not its place.
            context: {
              objectWriteTraceId: [body.inputs.find((i) => i.id === 'D-1002')!.objectWriteTraceId],
            },
            errors: [{ message: 'amount must be positive', in: 'amount' }],
          },
        ],
      }));
    const run = await runSync(svc(), TENANT, sync.id, 'manual');
    expect(run).toMatchObject({ status: 'succeeded', counts: { written: 1, quarantined: 1 } });
    expect(body.inputs.map((i) => i.id).sort()).toEqual(['D-1001', 'D-1002']);
    const dest = await world.h.hub.redis.hget(
      world.h.hub.keys.destinations(TENANT, world.connectionId, 'deals'),
      'sal_a',
    );
    expect(decodeDestination(dest).id).toBe('9100');
    const [entry] = await svc().quarantine.list(TENANT);
    expect(entry).toMatchObject({
      direction: 'out',
      externalKey: 'sal_b',
      problems: [
        { field: 'properties.amount', reason: expect.stringMatching(/amount must be positive/) },
      ],
    });
  });
});

describe('deals the hub wrote, by its own write record', () => {
  it('reads closed-won deals whose DMS deal number a CRM user set; skips the one the hub wrote', async () => {
    const out = await addSync('hubspot-sales', 'outbound');
    await svc().records.writeMany(TENANT, [
      fromDms('sale', 'sal_a', { dealNumber: 'D-1001', saleDate: '2026-11-21', price: 32450 }, [
        'dealNumber',
      ]),
    ]);
    hubspot()
      .post('/crm/v3/objects/deals/batch/upsert')
      .reply(200, {
        status: 'COMPLETE',
        results: [{ id: '9100', properties: { dms_deal_number: 'D-1001' } }],
      });
    expect(await runSync(svc(), TENANT, out.id, 'manual')).toMatchObject({
      counts: { written: 1 },
    });

    // HubSpot answers both deals: the hub's own (9100) and a salesperson's deal 9001 on which the
    // salesperson typed a DMS deal number too.
    const base = deal('closedwon', '2026-11-21T18:00:05.220Z', true);
    const userDeal = { ...base, properties: { ...base.properties, dms_deal_number: 'D-7777' } };
    const later = deal('closedwon', '2026-11-21T18:00:06.000Z', true);
    const hubDeal = {
      ...later,
      id: '9100',
      properties: { ...later.properties, dms_deal_number: 'D-1001', hs_object_id: '9100' },
    };
    let assoc: unknown = null;
    const api = hubspot()
      .post('/crm/v3/objects/deals/search')
      .reply(200, { total: 2, results: [userDeal, hubDeal] })
      .post('/crm/v4/associations/deals/contacts/batch/read', (b: unknown) => ((assoc = b), true))
      .reply(200, { results: [{ from: { id: '9001' }, to: [{ toObjectId: 51 }] }] })
      .post('/crm/v3/objects/contacts/batch/read')
      .reply(200, { results: [fixture<{ results: unknown[] }>('contacts-batch-read').results[0]] });
    withOwnerLists(api);
    const inbound = await addSync('hubspot-deals', 'inbound');
    const run = await runSync(svc(), TENANT, inbound.id, 'manual');
    expect(run).toMatchObject({ status: 'succeeded', counts: { read: 1, created: 1 } });
    expect(assoc).toEqual({ inputs: [{ id: '9001' }] });
    const leadId = await world.h.hub.redis.hget(
      world.h.hub.keys.links(TENANT, world.connectionId, 'deals'),
      'deals:9001',
    );
    const lead = await svc().records.get(TENANT, 'lead', leadId!);
    expect(lead?.f.stage).toBe('sold');
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('echo suppression across syncs of one connection', () => {
  it('an outbound sync does not write back the contacts an inbound sync just read', async () => {
    const inbound = await addSync('hubspot-contacts', 'inbound');
    const outbound = await addSync('hubspot-contacts', 'outbound');
    const page = fixture<{ results: unknown[] }>('contacts-search-page-1');
    hubspot()
      .post('/crm/v3/objects/contacts/search')
      .reply(200, { total: 2, results: page.results });
    expect(await runSync(svc(), TENANT, inbound.id, 'manual')).toMatchObject({
      status: 'succeeded',
      counts: { read: 2 },
    });
    // No upsert is mocked: a write would fail the run's items.
    const out = await runSync(svc(), TENANT, outbound.id, 'manual');
    expect(out).toMatchObject({ status: 'succeeded', counts: { written: 0, failed: 0 } });
    expect(out!.counts.skipped).toBeGreaterThanOrEqual(2);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('HubSpot contacts a sink cannot address', () => {
  it('a customer without an email is skipped (noEmail), not quarantined: HubSpot upserts by email', async () => {
    const sync = await addSync('hubspot-contacts', 'outbound');
    await svc().records.writeMany(TENANT, [
      fromDms('customer', 'cus_no_email', {
        firstName: 'Omar',
        lastName: 'Reyes',
        phone: '+15125550123',
      }),
    ]);
    // No request is mocked: none is made.
    const run = await runSync(svc(), TENANT, sync.id, 'manual');
    expect(run).toMatchObject({ status: 'succeeded', counts: { written: 0, quarantined: 0 } });
    expect(run?.notes).toEqual({ 'skipped.noEmail': 1 });
    expect(await svc().quarantine.list(TENANT, sync.id)).toEqual([]);
  });
});
