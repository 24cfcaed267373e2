import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DateTime } from 'luxon';
import nock from 'nock';

import { connectors } from '../../connectors/index.ts';
import { startApi, type ApiServer } from '../../src/api/server.ts';
import { DEAL_COLUMNS } from '../../src/demo/dms-export.ts';
import { DemoApi } from '../../src/demo/api-client.ts';
import { settle } from '../../src/demo/play.ts';
import { FakeHubSpot } from '../../src/sandbox/hubspot/server.ts';
import { GoogleAdsSandbox } from '../../src/sandbox/google-ads.ts';
import { MetaSandbox, type SandboxLead } from '../../src/sandbox/meta.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { startWorkers } from '../../src/worker/pool.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';
import {
  OWNERS,
  TENANT,
  ZONE,
  type World,
  type WorldActivity,
  type WorldLead,
  type WorldPerson,
  type WorldSale,
} from './fixture.ts';

const MAPPINGS = join(import.meta.dirname, '../../mappings');

/** Made-up secrets of the vendor accounts the connections carry. */
const S = {
  metaToken: 'EAAworld0000HillCountryPageToken',
  metaSecret: 'world-app-secret-0123456789',
  adfToken: 'adf-vendor-token-world-0123456789',
  mailchimpKey: '0123456789abcdef0123456789abcdef-us21',
  google: {
    customerId: '5125550200',
    managerId: '7375550200',
    developerToken: 'world-developer-token',
    clientId: '000000000000-world.apps.googleusercontent.com',
    clientSecret: 'GOCSPX-world-secret',
    refreshToken: '1//0world-refresh-token',
  },
} as const;
const PAGE_ID = '104857600000777';
const AD_ACCOUNT = '700000000000777';
const LIST_ID = 'f4e3d2c1b0';

/** The hub under test, its API and the vendors it talks to, on loopback (Mailchimp via nock). */
export interface Stage {
  h: EngineHarness;
  api: DemoApi;
  server: ApiServer;
  close(): Promise<void>;
  /** Plays the first part of the world: every lead not marked late, clicks, email, spend, deals. */
  playMain(): Promise<void>;
  /** Plays the late leads (imported after their sales). */
  playLate(): Promise<void>;
}

const graphTime = (ms: number) =>
  DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZZ");
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function metaLead(l: WorldLead): SandboxLead {
  const p = l.person;
  const n = l.campaign.id.slice(-3);
  return {
    id: l.id,
    created_time: graphTime(l.createdAt),
    ad_id: `12021000002${n}`,
    ad_name: `${l.campaign.name} - Carousel`,
    adset_id: `12021000001${n}`,
    adset_name: `${l.campaign.name} - Austin 25mi`,
    campaign_id: l.campaign.id,
    campaign_name: l.campaign.name,
    form_id: `3100000000${n}`,
    is_organic: false,
    platform: 'fb',
    field_data: [
      { name: 'full_name', values: [`${p.firstName} ${p.lastName}`] },
      { name: 'email', values: [p.email] },
      { name: 'phone_number', values: [p.phone] },
      { name: 'zip_code', values: [p.postalCode] },
    ],
  };
}

/** One ADF `<prospect>`: the website's Google leads carry gclid and campaign ids, lead sites not. */
function prospect(l: WorldLead): string {
  const p = l.person;
  const google = l.channel === 'google';
  const source = google ? 'DealerWebsite' : l.campaign.name;
  const ids = [
    `<id sequence="1" source="${esc(source)}">${l.id}</id>`,
    ...(google
      ? [
          `<id sequence="2" source="gclid">${l.gclid}</id>`,
          `<id sequence="3" source="gad_campaignid">${l.campaign.id}</id>`,
          // A UTM slug, as landing URLs carry them; the report names it as Google Ads does.
          `<id sequence="4" source="utm_campaign">${l.campaign.name.toLowerCase().replace(/\W+/g, '-')}</id>`,
        ]
      : []),
  ];
  const at = DateTime.fromMillis(l.createdAt, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
  return `  <prospect status="new">
    ${ids.join('\n    ')}
    <requestdate>${at}</requestdate>
    <vehicle interest="buy" status="new"><year>2026</year><make>Chevrolet</make><model>Silverado 1500</model></vehicle>
    <customer>
      <contact>
        <name part="first">${esc(p.firstName)}</name><name part="last">${esc(p.lastName)}</name>
        ${p.email ? `<email>${esc(p.email)}</email>` : ''}
        ${p.phone ? `<phone type="cellphone">${p.phone}</phone>` : ''}
        <address type="home"><city>${esc(p.city)}</city><regioncode>TX</regioncode><postalcode>${p.postalCode}</postalcode><country>US</country></address>
      </contact>
    </customer>
    <vendor><vendorname>Hill Country Chevrolet</vendorname></vendor>
    <provider><name part="full">${google ? 'Google Ads' : esc(l.campaign.name)}</name><service>Lead form</service></provider>
  </prospect>`;
}

const adf = (leads: WorldLead[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<?adf version="1.0"?>\n<adf>\n${leads.map(prospect).join('\n')}\n</adf>\n`;

const dollars = (c: number) => (c / 100).toFixed(2);
const national = (e164: string) =>
  e164 ? `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}` : '';

/** The DMS export: one CSV of every deal, names upper-cased and dates MM/DD/YYYY as DMSs write them. */
function dmsCsv(sales: WorldSale[]): string {
  const lines = [DEAL_COLUMNS.join(',')];
  for (const s of sales) {
    const v: Partial<Record<(typeof DEAL_COLUMNS)[number], string>> = {
      dealer_id: 'HCC01',
      deal_number: s.dealNumber,
      deal_status: 'F',
      sale_date: `${s.date.slice(5, 7)}/${s.date.slice(8, 10)}/${s.date.slice(0, 4)}`,
      new_used: 'N',
      first_name: s.firstName.toUpperCase(),
      last_name: s.lastName.toUpperCase(),
      company_name: s.companyName?.toUpperCase() ?? '',
      email: s.email,
      phone_home: national(s.phoneHome),
      phone_cell: national(s.phoneCell),
      city: s.city.toUpperCase(),
      state: 'TX',
      postal_code: s.postalCode,
      sale_price: dollars(s.priceCents),
      front_gross: dollars(s.frontCents),
      back_gross: dollars(s.backCents),
      total_gross: s.writesTotal ? dollars(s.frontCents + s.backCents) : '',
      salesperson: 'Dana Brooks',
    };
    lines.push(DEAL_COLUMNS.map((c) => v[c] ?? '').join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Mailchimp's campaign list and email-activity reports for the world (docs/vendors.md (Mailchimp), kestra.io mailchimp ListEmailActivity / GetCampaignReport). */
function mockMailchimp(w: World) {
  const campaigns = [...new Map(w.emails.map((e) => [e.campaign.id, e.campaign])).values()].sort(
    (a, b) => a.id.localeCompare(b.id),
  );
  const api = nock('https://us21.api.mailchimp.com').persist();
  api
    .get('/3.0/campaigns')
    .query(true)
    .reply(200, {
      // The first campaign is untitled (named by its subject line); the others are titled.
      campaigns: campaigns.map((c, i) => ({
        id: c.id,
        status: 'sent',
        send_time: `${w.today}T00:00:00+00:00`,
        settings:
          i === 0 ? { title: '', subject_line: c.name } : { title: c.name, subject_line: 'Hi' },
      })),
      total_items: campaigns.length,
    });
  api
    .get(/\/3\.0\/reports\/[^/]+\/email-activity/)
    .query(true)
    .reply((uri) => {
      const url = new URL(uri, 'https://us21.api.mailchimp.com');
      const id = url.pathname.split('/')[3]!;
      const people = new Map<string, { action: string; timestamp: string }[]>();
      for (const e of w.emails.filter((x) => x.campaign.id === id))
        people.set(e.email, [
          ...(people.get(e.email) ?? []),
          { action: e.action, timestamp: new Date(e.at).toISOString().replace('.000Z', '+00:00') },
        ]);
      const all = [...people].map(([email, activity]) => ({
        campaign_id: id,
        list_id: LIST_ID,
        email_id: createHash('md5').update(email.toLowerCase()).digest('hex'),
        email_address: email,
        activity,
      }));
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const count = Number(url.searchParams.get('count') ?? 10);
      return [200, { emails: all.slice(offset, offset + count), total_items: all.length }];
    });
}

/** Opens the hub and the vendors, creates the store's connections and syncs. */
export async function openStage(w: World): Promise<Stage> {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  const h = await openEngineHarness(
    { MAPPINGS_DIR: MAPPINGS },
    {
      registry: new ConnectorRegistry(connectors),
      mappings: new DirectoryMappingSource(MAPPINGS),
      tenantId: TENANT,
      tenantName: 'Hill Country Chevrolet',
    },
  );
  const meta = await new MetaSandbox({
    accessToken: S.metaToken,
    appSecret: S.metaSecret,
    pageId: PAGE_ID,
    pageName: 'Hill Country Chevrolet',
    adAccountId: AD_ACCOUNT,
    pixelId: '900000000000777',
  }).start();
  const google = await new GoogleAdsSandbox({
    ...S.google,
    conversionActionIds: ['6051234777'],
  }).start();
  const site = await new FakeSystem().start();
  const crm = loadHubSpot(w, await new FakeHubSpot().start());
  const dir = mkdtempSync(join(tmpdir(), 'dl-world-'));
  mkdirSync(join(dir, 'sales'));
  loadVendors(w, meta, google, site);
  mockMailchimp(w);
  const server = await startApi(h.hub, h.engine.service, 0);
  const { token } = await h.hub.apiKeys.create(TENANT, 'admin', 'closed-loop test');
  const api = new DemoApi(`http://127.0.0.1:${server.port}`, TENANT, token);
  const ids = await createConnections(api, { meta, google, site, crm, dir });
  const workers = await startWorkers(h.hub, [h.engine.queue.processor(2)]);
  const svc = h.engine.service.svc;
  const pull = async (...syncIds: string[]) => {
    for (const id of syncIds) await runSync(svc, TENANT, id, 'manual');
  };
  const postLeads = async (leads: WorldLead[]) => {
    const metaLeads = leads.filter((l) => l.channel === 'meta');
    for (let i = 0; i < metaLeads.length; i += 25) {
      const { body, headers } = meta.leadgenWebhook(metaLeads.slice(i, i + 25).map((l) => l.id));
      await api.hook(ids.meta, body, headers);
    }
    const other = leads.filter((l) => l.channel !== 'meta');
    for (let i = 0; i < other.length; i += 10)
      await api.hook(ids.vendors, adf(other.slice(i, i + 10)), {
        'content-type': 'application/xml',
        'x-dealerloop-token': S.adfToken,
      });
    await settle(h.engine.queue.queue, api, Object.values(ids.syncs));
  };
  return {
    h,
    api,
    server,
    async playMain() {
      await postLeads(w.leads.filter((l) => !l.late));
      await pull(ids.syncs.clicks, ids.syncs.email, ids.syncs.metaSpend, ids.syncs.googleSpend);
      await pull(ids.syncs.metaCampaigns, ids.syncs.googleCampaigns, ids.syncs.emailCampaigns);
      writeFileSync(join(dir, 'sales', 'deals.csv'), dmsCsv(w.sales));
      await pull(ids.syncs.dms, ids.syncs.engagements);
    },
    async playLate() {
      await postLeads(w.leads.filter((l) => l.late));
    },
    async close() {
      await workers.close();
      await server.close();
      await Promise.all([meta.stop(), google.stop(), site.stop(), crm.stop()]);
      await h.close();
      rmSync(dir, { recursive: true, force: true });
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

/** What each vendor holds: Graph leads and insights, Google Ads cost rows, the site's click log. */
function loadVendors(w: World, meta: MetaSandbox, google: GoogleAdsSandbox, site: FakeSystem) {
  for (const l of w.leads.filter((x) => x.channel === 'meta')) {
    meta.forms.set(`3100000000${l.campaign.id.slice(-3)}`, {
      id: `3100000000${l.campaign.id.slice(-3)}`,
      name: `${l.campaign.name} - Get Your Offer`,
      status: 'ACTIVE',
    });
    meta.leads.set(l.id, metaLead(l));
  }
  for (const s of w.spend) {
    if (s.campaign.channel === 'meta')
      meta.insights.push({
        campaign_id: s.campaign.id,
        campaign_name: s.campaign.name,
        spend: dollars(s.cents),
        impressions: String(s.cents * 2),
        clicks: String(Math.round(s.cents / 80)),
        account_currency: 'USD',
        date_start: s.date,
        date_stop: s.date,
      });
    if (s.campaign.channel === 'google')
      google.days.push({
        campaignId: s.campaign.id,
        campaignName: s.campaign.name,
        date: s.date,
        costMicros: String(s.cents * 10_000),
      });
  }
  for (const c of w.clicks)
    site.put('clicks', {
      id: c.id,
      occurred_at: new Date(c.occurredAt).toISOString(),
      gclid: c.gclid,
      gad_campaignid: c.campaign.id,
      email: c.email,
      updated_at: new Date(c.occurredAt).toISOString(),
    });
}

/** The store's connections and syncs, created through the API as IT would. */
async function createConnections(
  api: DemoApi,
  v: {
    meta: MetaSandbox;
    google: GoogleAdsSandbox;
    site: FakeSystem;
    crm: FakeHubSpot;
    dir: string;
  },
) {
  const conn = async (connectorId: string, settings: unknown, credentials: unknown) =>
    (
      await api.call<{ id: string }>('POST', '/connections', {
        connectorId,
        name: connectorId,
        settings,
        credentials,
      })
    ).id;
  const spendWindow = { spendLookbackDays: 160, accountTimeZone: ZONE, requestsPerSecond: 100 };
  const c = {
    meta: await conn(
      'meta',
      { graphHost: v.meta.url, pageId: PAGE_ID, adAccountId: AD_ACCOUNT, ...spendWindow },
      { accessToken: S.metaToken, appSecret: S.metaSecret, verifyToken: 'world-verify' },
    ),
    vendors: await conn(
      'adf-crm',
      {
        leadIntakeUrl: 'http://127.0.0.1:9/adf',
        vendor: { name: 'Hill Country Chevrolet', email: 'internet@hcc.example' },
      },
      { webhookToken: S.adfToken },
    ),
    google: await conn(
      'google-ads',
      {
        apiHost: v.google.url,
        tokenUrl: `${v.google.url}/token`,
        customerId: S.google.customerId,
        loginCustomerId: S.google.managerId,
        ...spendWindow,
      },
      {
        clientId: S.google.clientId,
        clientSecret: S.google.clientSecret,
        refreshToken: S.google.refreshToken,
        developerToken: S.google.developerToken,
      },
    ),
    site: await conn(
      'http-json',
      { baseUrl: v.site.url, requestsPerSecond: 100 },
      { token: 'site-token-0123456789' },
    ),
    mailchimp: await conn(
      'mailchimp',
      { listId: LIST_ID, activityLookbackDays: 365, requestsPerSecond: 100 },
      { apiKey: S.mailchimpKey },
    ),
    dms: await conn('dms-files', { location: { type: 'local', folder: v.dir } }, {}),
    crm: await conn(
      'hubspot',
      { apiHost: v.crm.url, indexLagMs: 0, pageSize: 200 },
      { accessToken: 'pat-na1-00000000-world-token' },
    ),
  };
  const sync = async (connectionId: string, mapping: string) =>
    (
      await api.call<{ id: string }>('POST', '/syncs', {
        name: mapping,
        connectionId,
        mapping,
        mode: 'inbound',
        debounceMs: 0,
      })
    ).id;
  return {
    ...c,
    syncs: {
      metaLeads: await sync(c.meta, 'meta-leads'),
      webLeads: await sync(c.vendors, 'adf-web-leads'),
      metaSpend: await sync(c.meta, 'meta-spend'),
      googleSpend: await sync(c.google, 'google-ads-spend'),
      metaCampaigns: await sync(c.meta, 'meta-campaigns'),
      emailCampaigns: await sync(c.mailchimp, 'mailchimp-campaigns'),
      googleCampaigns: await sync(c.google, 'google-ads-campaigns'),
      clicks: await sync(c.site, 'http-json-clicks'),
      email: await sync(c.mailchimp, 'mailchimp-touchpoints'),
      dms: await sync(c.dms, 'dms-sales'),
      engagements: await sync(c.crm, 'hubspot-engagements'),
    },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The engagement's HubSpot properties (calls, emails, communications, meetings guides). */
function engagementProperties(a: WorldActivity): Record<string, string | null> {
  const common = {
    hs_object_id: a.id,
    hs_timestamp: iso(a.at),
    hs_createdate: iso(a.at),
    hs_lastmodifieddate: iso(a.at + 1000),
    hubspot_owner_id: a.owner.id,
  };
  if (a.objectType === 'calls')
    return { ...common, hs_call_direction: a.direction!, hs_call_title: 'Lead call back' };
  if (a.objectType === 'emails')
    return { ...common, hs_email_direction: a.direction!, hs_email_subject: 'Your enquiry' };
  if (a.objectType === 'communications')
    return {
      ...common,
      hs_communication_channel_type: 'SMS',
      hs_communication_logged_from: 'CRM',
      hs_communication_body: 'Thanks for your enquiry, when can you come by?',
    };
  return { ...common, hs_meeting_title: 'Test drive', hs_meeting_start_time: iso(a.at + 864e5) };
}

/**
 * The CRM: a contact per person the sales team worked, their engagements, the owners, and the
 * batch endpoints the engagements stream calls (associations v4, contacts batch read, owners).
 */
function loadHubSpot(w: World, crm: FakeHubSpot): FakeHubSpot {
  const contactOf = new Map<WorldPerson, string>();
  const contacts = new Map<string, Record<string, string | null>>();
  const linked = new Map<string, string>();
  for (const a of w.activities) {
    let id = contactOf.get(a.person);
    if (!id) {
      id = String(8_100 + contactOf.size);
      contactOf.set(a.person, id);
      contacts.set(id, {
        email: a.person.email || null,
        firstname: a.person.firstName,
        lastname: a.person.lastName,
        phone: a.person.phone || null,
        mobilephone: null,
      });
    }
    linked.set(a.id, id);
    const list = crm.objects.get(a.objectType) ?? [];
    list.push({
      id: a.id,
      properties: engagementProperties(a),
      createdAt: iso(a.at),
      updatedAt: iso(a.at + 1000),
    });
    crm.objects.set(a.objectType, list);
  }
  crm.routes.push(({ method, path, body, query }) => {
    const inputs = ((body as { inputs?: { id: string }[] } | undefined)?.inputs ?? []).map(
      (i) => i.id,
    );
    if (method === 'POST' && /^\/crm\/v4\/associations\/\w+\/contacts\/batch\/read$/.test(path))
      return {
        status: 200,
        body: {
          status: 'COMPLETE',
          results: inputs
            .filter((id) => linked.has(id))
            .map((id) => ({
              from: { id },
              to: [{ toObjectId: Number(linked.get(id)), associationTypes: [] }],
            })),
        },
      };
    if (method === 'POST' && path === '/crm/v3/objects/contacts/batch/read')
      return {
        status: 200,
        body: {
          status: 'COMPLETE',
          results: inputs.map((id) => ({
            id,
            properties: { hs_object_id: id, ...contacts.get(id) },
            createdAt: iso(0),
            updatedAt: iso(0),
            archived: false,
          })),
        },
      };
    // Every salesperson of the world is active: the archived list (`archived=true`) is empty.
    if (method === 'GET' && path === '/crm/v3/owners')
      return {
        status: 200,
        body: {
          results: (query.get('archived') === 'true' ? [] : OWNERS).map((o) => ({
            ...o,
            email: `${o.firstName}@hcc.example`,
            type: 'PERSON',
          })),
        },
      };
    return null;
  });
  return crm;
}
