import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import hubspotConnector from '../../connectors/hubspot/index.ts';
import httpJson from '../../connectors/http-json/index.ts';
import { ConversionDeriver } from '../../src/conversions/deriver.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR, DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { openEngineHarness, TEST_MAPPINGS, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';
import {
  deal,
  fixture,
  hubspot,
  HOST,
  mockDealsPage,
  TOKEN,
} from '../connectors/hubspot/support.ts';

// A CRM stage change lands on the hub lead it belongs to (README "Conversions", CRM stage
// changes): HubSpot deals (shipped hubspot-deals.yaml, `landsOn`) move the lead the hub wrote the
// deal's contact from, else the customer's most recent open lead created at or before the change;
// only without one does a deal make a lead of its own. Leads come from a fake system (http-json,
// the engine tests' crm-a-leads mapping); HubSpot is mocked with nock.

const TENANT = 'store-a';
const JANE = 'jane.doe@example.com'; // the contact (51) of the deal fixture 9001
let h: EngineHarness;
let crm: FakeSystem;
let dir: string;
let hubspotConn: string;

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  // The shipped HubSpot mappings beside the engine tests' lead mapping, in one folder.
  dir = mkdtempSync(join(tmpdir(), 'dl-landing-'));
  for (const m of ['hubspot-deals', 'hubspot-leads'])
    copyFileSync(join(DEFAULT_MAPPINGS_DIR, `${m}.yaml`), join(dir, `${m}.yaml`));
  copyFileSync(join(TEST_MAPPINGS, 'crm-a-leads.yaml'), join(dir, 'crm-a-leads.yaml'));
  h = await openEngineHarness(
    {},
    {
      registry: new ConnectorRegistry([hubspotConnector, httpJson]),
      mappings: new DirectoryMappingSource(dir),
      tenantId: TENANT,
    },
  );
  crm = await new FakeSystem().start();
  leadsSync = null;
  hubspotConn = (
    await h.hub.connections.create(TENANT, {
      connectorId: 'hubspot',
      name: 'HubSpot',
      settings: { apiHost: HOST, indexLagMs: 0, requestsPerSecond: 4 },
      credentials: { accessToken: TOKEN },
    })
  ).id;
});
afterEach(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await h.close();
  await crm.stop();
  rmSync(dir, { recursive: true, force: true });
});

const svc = () => h.engine.service.svc;

/** A lead of Jane's in the fake CRM. */
function putLead(id: string, createdAt: string, extra: Record<string, unknown> = {}) {
  crm.put('leads', {
    id,
    created_at: createdAt,
    stage: 'new',
    source: 'meta',
    email: JANE,
    first_name: 'Jane',
    last_name: 'Doe',
    ...extra,
  });
}

let leadsSync: { connectionId: string; id: string } | null = null;

/** Reads the fake CRM's new leads into the hub; returns the hub id of each system lead id. */
async function ingestLeads(): Promise<Record<string, string>> {
  if (!leadsSync) {
    const connectionId = await h.connect('http-json', crm);
    leadsSync = await h.addSync({ connectionId, mapping: 'crm-a-leads', mode: 'inbound' });
  }
  const run = await runSync(svc(), TENANT, leadsSync.id, 'manual');
  expect(run).toMatchObject({ status: 'succeeded' });
  return h.hub.redis.hgetall(h.hub.keys.links(TENANT, leadsSync.connectionId, 'leads'));
}

/** The deal fixture 9001 at a stage, modified at `at`, with its contact 51 (Jane). */
const mockDeal = (stage: string, at: string, won = false) => mockDealsPage(deal(stage, at, won));

/** The inbound sync of HubSpot deals (shipped hubspot-deals.yaml). */
const dealsSync = () =>
  h.engine.service.create(TENANT, {
    name: 'deals',
    connectionId: hubspotConn,
    mapping: 'hubspot-deals',
    mode: 'inbound',
  });

async function lead(id: string): Promise<StoredRecord> {
  const r = await svc().records.get(TENANT, 'lead', id);
  expect(r).toBeTruthy();
  return r!;
}

const stages = (r: StoredRecord) =>
  (r.f.stageHistory as { stage: string; at: string }[]).map((e) => `${e.stage}@${e.at}`);

describe('CRM stage changes land on the hub lead', () => {
  it('by the customer rule: the most recent open lead created at or before the change, and it sticks', async () => {
    putLead('m-1', '2026-11-01T15:00:00Z', { meta_lead_id: '880000000000001' });
    putLead('m-2', '2026-11-10T15:00:00Z', { stage: 'lost' }); // closed: passed over
    putLead('m-3', '2026-11-25T15:00:00Z'); // created after the change: passed over
    const ids = await ingestLeads();
    const deals = await dealsSync();

    mockDeal('appointmentscheduled', '2026-11-20T12:00:00.000Z');
    const first = await runSync(svc(), TENANT, deals.id, 'manual');
    expect(first).toMatchObject({
      status: 'succeeded',
      counts: { read: 1, created: 0, updated: 1 },
    });
    const landing = h.hub.keys.landings(TENANT, hubspotConn, 'deals');
    expect(await h.hub.redis.hget(landing, 'deals:9001')).toBe(ids['m-1']);
    // No lead of the deal's own, and the lead keeps what its own source said.
    expect(await h.hub.redis.hlen(h.hub.keys.links(TENANT, hubspotConn, 'deals'))).toBe(0);
    const a = await lead(ids['m-1']!);
    expect(a.f).toMatchObject({ stage: 'appointment', source: 'meta', assignedTo: 'Dana Brooks' });
    expect(a.f.sourceDetail).toBeUndefined();
    expect(stages(a)).toEqual([
      'new@2026-11-01T15:00:00.000Z',
      'appointment@2026-11-20T12:00:00.000Z',
    ]);
    expect((await lead(ids['m-2']!)).f.stage).toBe('lost');
    expect((await lead(ids['m-3']!)).f.stage).toBe('new');

    // Closed-won: the same lead, although a sold lead is no longer open; read again: no change.
    mockDeal('closedwon', '2026-11-21T18:00:05.220Z', true);
    expect(await runSync(svc(), TENANT, deals.id, 'manual')).toMatchObject({
      counts: { read: 1, updated: 1 },
    });
    await svc().syncs.resetCursors(TENANT, deals.id); // read from the beginning again
    mockDeal('closedwon', '2026-11-21T18:00:05.220Z', true);
    expect(await runSync(svc(), TENANT, deals.id, 'manual')).toMatchObject({
      counts: { read: 1, unchanged: 1 },
    });
    const sold = await lead(ids['m-1']!);
    expect(sold.f.stage).toBe('sold');
    expect(stages(sold)).toEqual([
      'new@2026-11-01T15:00:00.000Z',
      'appointment@2026-11-20T12:00:00.000Z',
      'sold@2026-11-21T18:00:05.000Z', // the datetime transform keeps whole seconds
    ]);
    expect((await lead(ids['m-3']!)).f.stage).toBe('new');

    // The Meta CRM events follow from the history: one per stage, at the time it was entered.
    await new ConversionDeriver(h.hub, svc().records).run(TENANT);
    const events = await svc().records.getMany(TENANT, 'conversion', [
      'meta:880000000000001:appointment',
      'meta:880000000000001:sold',
    ]);
    expect(events.map((e) => e?.f.eventTime)).toEqual([
      '2026-11-20T06:00:00-06:00',
      '2026-11-21T12:00:05-06:00',
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('by origin: the lead the hub wrote the deal contact from, over a newer open lead', async () => {
    putLead('m-1', '2026-11-01T15:00:00Z');
    const first = await ingestLeads();
    // The hub writes lead m-1 to HubSpot as contact 51 (hubspot-leads, `leads` sink).
    const out = await h.engine.service.create(TENANT, {
      name: 'leads out',
      connectionId: hubspotConn,
      mapping: 'hubspot-leads',
      mode: 'outbound',
    });
    const [jane] = fixture<{ results: unknown[] }>('contacts-upsert-200').results.slice(1);
    hubspot()
      .post('/crm/v3/objects/contacts/batch/upsert')
      .reply(200, { status: 'COMPLETE', results: [jane] });
    expect(await runSync(svc(), TENANT, out.id, 'manual')).toMatchObject({
      counts: { written: 1 },
    });
    // A newer open lead of the same customer: the customer rule would choose it.
    putLead('m-2', '2026-11-15T15:00:00Z');
    const ids = await ingestLeads();
    expect(ids['m-1']).toBe(first['m-1']);
    expect((await lead(ids['m-2']!)).customerId).toBe((await lead(ids['m-1']!)).customerId);

    const deals = await dealsSync();
    mockDeal('appointmentscheduled', '2026-11-20T12:00:00.000Z');
    await runSync(svc(), TENANT, deals.id, 'manual');
    expect((await lead(ids['m-1']!)).f.stage).toBe('appointment');
    expect((await lead(ids['m-2']!)).f.stage).toBe('new');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a deal of a customer without an open lead makes a lead of its own', async () => {
    putLead('m-1', '2026-11-01T15:00:00Z', { stage: 'sold' });
    const ids = await ingestLeads();
    const deals = await dealsSync();
    mockDeal('appointmentscheduled', '2026-11-20T12:00:00.000Z');
    expect(await runSync(svc(), TENANT, deals.id, 'manual')).toMatchObject({
      counts: { created: 1 },
    });
    const own = await h.hub.redis.hget(
      h.hub.keys.links(TENANT, hubspotConn, 'deals'),
      'deals:9001',
    );
    expect(own).not.toBe(ids['m-1']);
    expect((await lead(own!)).f).toMatchObject({ stage: 'appointment', source: 'hubspot' });
    expect((await lead(ids['m-1']!)).f.stage).toBe('sold');
  });
});
