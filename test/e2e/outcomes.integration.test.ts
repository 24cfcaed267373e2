import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectors } from '../../connectors/index.ts';
import { createApp } from '../../src/api/app.ts';
import { ConversionDeriver } from '../../src/conversions/deriver.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { SYNC_QUEUE } from '../../src/sync/sync-queue.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { spawnWorker, until } from '../support/worker-process.ts';
import {
  APPOINTMENT_AT,
  DAVID,
  davidAdf,
  IDS,
  MARIA,
  moveDeals,
  SALE_DATE,
  SECRETS,
  SOLD_AT,
  startFakes,
  TZ,
  writeDmsExport,
  type Fakes,
} from './outcomes.world.ts';

// Acceptance of issue 14, end to end on real Redis through the sync engine and the shipped
// mappings: a Meta lead (signed leadgen webhook) and a Google web lead with a gclid (ADF post)
// reach the CRM as ADF; HubSpot moves them through appointment and sold; a DMS file brings the
// sales; then strict fakes of Google Ads, Meta's Conversions API and Mailchimp receive exactly the
// expected conversions, CRM events and owner tags, once, also when a worker process is SIGKILLed
// right after Google applied its upload and before it heard back, and when every sync runs again.

const ROOT = join(import.meta.dirname, '../..');
const MAPPINGS = join(ROOT, 'mappings');
const TENANT = 'hill-country';
const masterKey = randomBytes(32).toString('hex');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

let h: EngineHarness;
let fakes: Fakes;
let dmsFolder: string;

beforeAll(async () => {
  h = await openEngineHarness(
    { HUB_MASTER_KEY: masterKey, MAPPINGS_DIR: MAPPINGS },
    {
      queueName: SYNC_QUEUE,
      registry: new ConnectorRegistry(connectors),
      mappings: new DirectoryMappingSource(MAPPINGS),
      tenantId: TENANT,
      tenantName: 'Hill Country Motors',
    },
  );
  fakes = await startFakes();
  dmsFolder = mkdtempSync(join(tmpdir(), 'dl-outcomes-dms-'));
});
afterAll(async () => {
  await h.close();
  await fakes.stop();
  rmSync(dmsFolder, { recursive: true, force: true });
});

const worker = () => spawnWorker(h, masterKey, MAPPINGS);

/** The store's connections, created as an IT person would (each checked by its connector). */
async function connect() {
  const create = async (connectorId: string, settings: unknown, credentials: unknown) =>
    (
      await h.hub.connections.create(TENANT, {
        connectorId,
        name: connectorId,
        settings: settings as Record<string, unknown>,
        credentials: credentials as Record<string, string>,
      })
    ).id;
  const crmSettings = {
    leadIntakeUrl: `${fakes.crm.url}/adf`,
    auth: { type: 'header', header: SECRETS.crmHeader },
    vendor: { name: 'Hill Country Motors', email: 'internet@hillcountry.example' },
  };
  return {
    meta: await create(
      'meta',
      { graphHost: fakes.meta.url, pageId: IDS.pageId, pixelId: IDS.pixelId },
      {
        accessToken: SECRETS.metaToken,
        appSecret: SECRETS.metaAppSecret,
        verifyToken: 'verify-outcomes-0001',
      },
    ),
    vendors: await create('adf-crm', crmSettings, { webhookToken: SECRETS.adfToken }),
    crm: await create('adf-crm', crmSettings, { token: SECRETS.crmToken }),
    hubspot: await create(
      'hubspot',
      { apiHost: fakes.hubspot.url, indexLagMs: 0 },
      { accessToken: SECRETS.hubspotToken },
    ),
    dms: await create('dms-files', { location: { type: 'local', folder: dmsFolder } }, {}),
    google: await create(
      'google-ads',
      {
        apiHost: fakes.google.url,
        tokenUrl: `${fakes.google.url}/token`,
        customerId: '512-555-0177',
        loginCustomerId: '737-555-0177',
        conversionAction: `customers/${IDS.customerId}/conversionActions/${IDS.actionId}`,
        accountTimeZone: TZ,
        userIdentifiers: 'always',
      },
      {
        clientId: SECRETS.clientId,
        clientSecret: SECRETS.clientSecret,
        refreshToken: SECRETS.refreshToken,
        developerToken: SECRETS.devToken,
      },
    ),
    mailchimp: await create(
      'mailchimp',
      { listId: IDS.listId, baseUrl: fakes.mailchimp.url, itemRetryBaseMs: 0 },
      { apiKey: SECRETS.mailchimpKey },
    ),
  };
}

type Conns = Awaited<ReturnType<typeof connect>>;

/** The store's syncs, by what they do. */
async function addSyncs(c: Conns) {
  const add = async (
    connectionId: string,
    mapping: string,
    mode: 'inbound' | 'outbound' | 'two-way',
  ) =>
    (
      await h.engine.service.create(TENANT, {
        name: mapping,
        connectionId,
        mapping,
        mode,
        debounceMs: 0,
      })
    ).id;
  return {
    members: await add(c.mailchimp, 'mailchimp-members', 'two-way'),
    metaLeads: await add(c.meta, 'meta-leads', 'inbound'),
    webLeads: await add(c.vendors, 'adf-web-leads', 'inbound'),
    crmLeads: await add(c.crm, 'adf-lead', 'outbound'),
    deals: await add(c.hubspot, 'hubspot-deals', 'inbound'),
    dmsSales: await add(c.dms, 'dms-sales', 'inbound'),
    googleConversions: await add(c.google, 'google-ads-conversions', 'outbound'),
    metaEvents: await add(c.meta, 'meta-crm-events', 'outbound'),
  };
}

type Syncs = Awaited<ReturnType<typeof addSyncs>>;

const svc = () => h.engine.service.svc;
const run = async (syncId: string) => {
  const r = await runSync(svc(), TENANT, syncId, 'manual');
  expect(r, `run of ${syncId}`).toMatchObject({ status: 'succeeded' });
  return r!;
};

/** Runs every job the hub queued (webhook fetches, woken syncs, derivations) in this process. */
async function drain() {
  const processor = h.engine.queue.processor();
  for (let round = 0; round < 20; round++) {
    const jobs = await h.engine.queue.queue.getJobs(['waiting', 'prioritized', 'delayed']);
    if (!jobs.length) return;
    for (const job of jobs) {
      await processor.process(job);
      await job.remove();
    }
  }
  throw new Error('the queue never emptied');
}

/** Posts to the hub's webhook route as the vendor would. */
const hook = (connectionId: string, body: string, headers: Record<string, string>) =>
  createApp(h.hub, h.engine.service).request(`/hooks/${TENANT}/${connectionId}`, {
    method: 'POST',
    headers,
    body,
  });

/** Noon of the sale day in the store's zone. */
const saleNoon = DateTime.fromISO(`${SALE_DATE}T12:00:00`, { zone: TZ });

/** Leads in: Maria by a signed leadgen webhook, David by the website's ADF post. */
async function leadsArrive(c: Conns, s: Syncs) {
  const { body, headers } = fakes.meta.leadgenWebhook([MARIA.metaLeadId]);
  const res = await hook(c.meta, body, headers);
  expect(res.status, await res.clone().text()).toBe(200);
  await drain();
  const adf = { 'content-type': 'application/xml', 'x-dealerloop-token': SECRETS.adfToken };
  expect((await hook(c.vendors, davidAdf(), adf)).status).toBe(200);
  await drain();
  await run(s.crmLeads);
  // The CRM has both leads as ADF: Maria's with her Meta lead id, David's with his gclid.
  expect(fakes.crm.prospects).toHaveLength(2);
  const ids = fakes.crm.prospects.map((p) => p.ids);
  expect(ids).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ 'Meta Lead Ads': MARIA.metaLeadId }),
      expect.objectContaining({ gclid: DAVID.gclid }),
    ]),
  );
  expect(fakes.crm.count(null, /^\/adf$/)).toBe(2);
}

describe('outcomes back to the platforms, end to end', () => {
  it('sends exactly the expected conversions, CRM events and owner tags, once, through a SIGKILL and re-runs', async () => {
    const c = await connect();
    const s = await addSyncs(c);
    // The hub learns the audience first (two prospects); nothing is written back.
    await run(s.members);
    expect(fakes.mailchimp.writes()).toEqual([]);

    await leadsArrive(c, s);

    // HubSpot: the salespeople book appointments, then close both deals.
    moveDeals(fakes.hubspot, 'appointmentscheduled', APPOINTMENT_AT);
    await run(s.deals);
    moveDeals(fakes.hubspot, 'closedwon', SOLD_AT);
    await run(s.deals);
    // The deals moved the leads the shoppers came in on (no lead of a deal's own).
    const leads = await svc().records.walk(TENANT, 'lead', null, 100);
    expect(leads.records).toHaveLength(2);
    for (const l of leads.records) {
      expect(l.f.stage).toBe('sold');
      expect((l.f.stageHistory as { stage: string }[]).map((e) => e.stage)).toEqual([
        'new',
        'appointment',
        'sold',
      ]);
    }

    // The DMS export brings both sales; the deriver makes the conversions.
    writeDmsExport(dmsFolder);
    expect((await run(s.dmsSales)).counts).toMatchObject({ created: 2, quarantined: 0 });
    await drain();
    await new ConversionDeriver(h.hub, svc().records).run(TENANT);
    const stored = await svc().records.walk(TENANT, 'conversion', null, 100);
    expect(stored.records.map((r) => r.id).sort()).toEqual(
      [
        `google-ads:${DAVID.dealNumber}`,
        `meta:${MARIA.metaLeadId}:Purchase:${MARIA.dealNumber}`,
        `meta:${MARIA.metaLeadId}:appointment`,
        `meta:${MARIA.metaLeadId}:sold`,
      ].sort(),
    );

    // The uploads run in a worker process, killed right after Google applied its upload and
    // before the answer reached it; a second worker takes the interrupted run over.
    const first = worker();
    let killed = false;
    fakes.google.afterUpload = async () => {
      if (killed) return;
      killed = true;
      first.child.kill('SIGKILL');
      await first.exited;
    };
    for (const id of [s.googleConversions, s.metaEvents, s.members])
      await h.engine.queue.runNow({ tenantId: TENANT, id }, 'manual');
    expect(await first.exited).toBeNull(); // killed by the signal
    expect(killed).toBe(true);
    const second = worker();
    try {
      const succeeded = async (id: string) =>
        (await svc().runs.list(TENANT, id)).some((r) => r.status === 'succeeded');
      await until(
        async () =>
          (await succeeded(s.googleConversions)) &&
          (await succeeded(s.metaEvents)) &&
          fakes.mailchimp.writes().length >= 2,
        'the uploads to finish in the second worker',
        120_000,
      );
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    const googleRuns = (await svc().runs.list(TENANT, s.googleConversions)).map((r) => r.status);
    expect(googleRuns).toContain('interrupted');
    expectGoogle();
    expectMeta();
    expectMailchimp();

    // Every sync again (and the conversion syncs backfilled): nothing new reaches anyone.
    const before = {
      google: fakes.google.received.length,
      meta: fakes.meta.received.length,
      mailchimp: fakes.mailchimp.writes().length,
      crm: fakes.crm.prospects.length,
    };
    for (const id of Object.values(s)) await run(id);
    await new ConversionDeriver(h.hub, svc().records).run(TENANT);
    for (const id of [s.googleConversions, s.metaEvents]) {
      await svc().syncs.resetCursors(TENANT, id);
      expect((await run(id)).counts).toMatchObject({ written: 0, failed: 0 });
    }
    await drain();
    expect({
      google: fakes.google.received.length,
      meta: fakes.meta.received.length,
      mailchimp: fakes.mailchimp.writes().length,
      crm: fakes.crm.prospects.length,
    }).toEqual(before);
    expectGoogle();
    expectMeta();
  }, 300_000);
});

/** Google Ads got David's sale once: a click conversion with its gclid and hashed identifiers. */
function expectGoogle() {
  const g = fakes.google;
  expect(g.conversions).toEqual([
    {
      gclid: DAVID.gclid,
      orderId: DAVID.dealNumber,
      conversionAction: `customers/${IDS.customerId}/conversionActions/${IDS.actionId}`,
      conversionDateTime: saleNoon.toFormat('yyyy-MM-dd HH:mm:ssZZ'),
      conversionValue: DAVID.grossCents / 100,
      currencyCode: 'USD',
      enhanced: false,
    },
  ]);
  // Every row that arrived is that one order id; a row re-sent after the kill (the upload the
  // dead worker never heard back from) is refused by Google's order-id check, never recorded twice.
  const orders = g.received.map((r) => r.orderId);
  expect(new Set(orders)).toEqual(new Set([DAVID.dealNumber]));
  expect(g.refusedRows.every((code) => code === 'ORDER_ID_ALREADY_IN_USE')).toBe(true);
  expect(g.refusedRows.length).toBe(orders.length - 1);
  // Hashed by §1.3: trimmed, lower case, gmail dots removed; phone E.164.
  expect(g.received[0]!.userIdentifiers).toEqual([
    { userIdentifierSource: 'FIRST_PARTY', hashedEmail: sha256('davidkim@gmail.com') },
    { userIdentifierSource: 'FIRST_PARTY', hashedPhoneNumber: sha256(DAVID.phone) },
  ]);
}

/** Meta got Maria's appointment, sold and Purchase events once each, hashed by §2.2. */
function expectMeta() {
  const m = fakes.meta;
  expect(m.refusedBatches).toEqual([]);
  const pairs = m.received.map((e) => `${e.event_name}|${e.event_id}`);
  const id = MARIA.metaLeadId;
  expect(new Set(pairs)).toEqual(
    new Set([
      `appointment|${id}:appointment`,
      `sold|${id}:sold`,
      `Purchase|${id}:Purchase:${MARIA.dealNumber}`,
    ]),
  );
  expect(m.events).toHaveLength(3);
  const byName = new Map(m.events.map((e) => [e.event_name, e]));
  expect(byName.get('appointment')!.event_time).toBe(Math.floor(APPOINTMENT_AT / 1000));
  expect(byName.get('sold')!.event_time).toBe(Math.floor(SOLD_AT / 1000));
  expect(byName.get('Purchase')!.event_time).toBe(saleNoon.toSeconds());
  expect(byName.get('Purchase')!.custom_data).toMatchObject({
    value: MARIA.grossCents / 100,
    currency: 'usd',
  });
  for (const e of m.events) {
    expect(e.action_source).toBe('system_generated');
    expect(e.custom_data).toMatchObject({ event_source: 'crm', lead_event_source: 'DealerLoop' });
    // Every identifier Maria has, each normalized and hashed by §2.2; lead_id in clear.
    expect(e.user_data).toEqual({
      lead_id: id,
      em: sha256('maria.garza@example.com'),
      ph: sha256('15125550101'),
      fn: sha256('maría'),
      ln: sha256('garza'),
      ct: sha256('austin'),
      st: sha256('tx'),
      zp: sha256('78701'),
      country: sha256('us'),
    });
  }
}

/** Mailchimp: both buyers tagged owner (prospect off) by the tags endpoint, nobody added. */
function expectMailchimp() {
  const mc = fakes.mailchimp;
  for (const p of [MARIA, DAVID]) {
    const member = mc.members.get(md5(p.email.toLowerCase()))!;
    expect(member.status).toBe('subscribed');
    expect(member.tags.has('owner')).toBe(true);
    expect(member.tags.has('prospect')).toBe(false);
  }
  expect(mc.members.get(md5(DAVID.email))!.tags.has('Truck Month')).toBe(true);
  expect(mc.members.size).toBe(2);
  const writes = mc.writes();
  expect(writes.every((w) => w.method === 'PATCH' || w.path.endsWith('/tags'))).toBe(true);
  const tagPosts = writes.filter((w) => w.path.endsWith('/tags'));
  expect(new Set(tagPosts.map((w) => w.path)).size).toBe(2);
  for (const w of tagPosts)
    expect(w.body).toEqual({
      tags: expect.arrayContaining([
        { name: 'owner', status: 'active' },
        { name: 'prospect', status: 'inactive' },
      ]),
    });
}
