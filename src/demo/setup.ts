import type { Hub } from '../hub.ts';
import type { DemoApi } from './api-client.ts';
import { MAILCHIMP } from './email.ts';
import { GOOGLE_IDS, META_IDS, SECRETS, type Sandboxes } from './sandboxes.ts';
import { STORE } from './story.ts';

/** Connection ids of the demo store, by role. */
export interface DemoConnections {
  meta: string;
  /** Where lead vendors and the website post ADF (inbound only). */
  vendors: string;
  /** The CRM's ADF lead intake (outbound only): leads read from it would never go back to it. */
  crm: string;
  dms: string;
  /** The store's Google Ads account (spend in, click conversions out). */
  google: string;
  /** The sales team's HubSpot (leads out; calls, emails, meetings and deal stages in). */
  hubspot: string;
  /** The newsletter audience (email activity in, owner/prospect tags out). */
  mailchimp: string;
}

/** Sync ids of the demo store, by what they do. */
export interface DemoSyncs {
  metaLeads: string;
  metaSpend: string;
  webLeads: string;
  crmLeads: string;
  dmsSales: string;
  googleSpend: string;
  googleCampaigns: string;
  /** Sales back to Google Ads as click conversions (and enhanced conversions for leads). */
  googleConversions: string;
  /** CRM stage events and purchases back to Meta's Conversions API. */
  metaEvents: string;
  hubspotLeads: string;
  hubspotEngagements: string;
  hubspotDeals: string;
  emailActivity: string;
  /** The newsletters' names (Mailchimp campaigns → campaign records, for the reports). */
  emailCampaigns: string;
  emailTags: string;
}

/** Settings of each connection: where its sandbox listens (changes every start). */
export function connectionSettings(sb: Sandboxes, dmsFolder: string) {
  return {
    meta: {
      graphHost: sb.meta.url,
      pageId: META_IDS.pageId,
      adAccountId: META_IDS.adAccountId,
      spendLookbackDays: 92,
      accountTimeZone: STORE.timeZone,
      pixelId: META_IDS.pixelId,
      requestsPerSecond: 100,
    },
    google: {
      apiHost: sb.google.url,
      tokenUrl: `${sb.google.url}/token`,
      customerId: GOOGLE_IDS.customerId,
      loginCustomerId: GOOGLE_IDS.managerId,
      conversionAction: `customers/${GOOGLE_IDS.customerId}/conversionActions/${GOOGLE_IDS.conversionActionId}`,
      spendLookbackDays: 92,
      accountTimeZone: STORE.timeZone,
      requestsPerSecond: 100,
    },
    crm: {
      leadIntakeUrl: `${sb.crm.url}/adf`,
      auth: { type: 'header', header: SECRETS.crmHeader },
      vendor: { name: STORE.name, email: 'internet@lonestarmotors.example' },
      requestsPerSecond: 100,
    },
    dms: { location: { type: 'local', folder: dmsFolder } },
    hubspot: { apiHost: sb.hubspot.url, pageSize: 200 },
    mailchimp: {
      listId: MAILCHIMP.listId,
      baseUrl: sb.mailchimp.url,
      activityLookbackDays: 92,
      // The sandbox answers Mailchimp's member calls, not its batch operations.
      batchThreshold: 1_000_000,
    },
  };
}

/** The vendors' connection: the adf-crm connector requires an intake URL; it never writes there. */
const vendorSettings = (s: ReturnType<typeof connectionSettings>) => s.crm;

/**
 * Creates the store's connections through the API (each checked against its connector's
 * settings schema, as a person adding them would be).
 */
export async function createConnections(
  api: DemoApi,
  sb: Sandboxes,
  dmsFolder: string,
): Promise<DemoConnections> {
  const s = connectionSettings(sb, dmsFolder);
  const create = async (
    connectorId: string,
    name: string,
    settings: unknown,
    credentials: unknown,
  ) =>
    (
      await api.call<{ id: string }>('POST', '/connections', {
        connectorId,
        name,
        settings,
        credentials,
      })
    ).id;
  return {
    meta: await create('meta', 'Meta: Lone Star Motors Page and ad account', s.meta, {
      accessToken: SECRETS.metaAccessToken,
      appSecret: SECRETS.metaAppSecret,
      verifyToken: SECRETS.metaVerifyToken,
    }),
    vendors: await create(
      'adf-crm',
      'Website and lead sites (ADF posted to the hub)',
      vendorSettings(s),
      {
        webhookToken: SECRETS.adfWebhookToken,
      },
    ),
    crm: await create('adf-crm', 'CRM lead intake (ADF)', s.crm, { token: SECRETS.crmToken }),
    dms: await create('dms-files', 'DMS deal exports (drop folder)', s.dms, {}),
    google: await create('google-ads', 'Google Ads: Lone Star Motors account', s.google, {
      clientId: SECRETS.googleClientId,
      clientSecret: SECRETS.googleClientSecret,
      refreshToken: SECRETS.googleRefreshToken,
      developerToken: SECRETS.googleDeveloperToken,
    }),
    hubspot: await create('hubspot', 'HubSpot: sales team', s.hubspot, {
      accessToken: SECRETS.hubspotToken,
    }),
    mailchimp: await create('mailchimp', 'Mailchimp: newsletter audience', s.mailchimp, {
      apiKey: MAILCHIMP.apiKey,
    }),
  };
}

/** Points the connections at this start's sandbox ports (a restarted demo keeps its data). */
export async function repointConnections(
  api: DemoApi,
  ids: DemoConnections,
  sb: Sandboxes,
  dmsFolder: string,
): Promise<void> {
  const s = connectionSettings(sb, dmsFolder);
  const settings = { ...s, vendors: vendorSettings(s) };
  for (const role of Object.keys(ids) as (keyof DemoConnections)[])
    await api.call('PATCH', `/connections/${ids[role]}`, { settings: settings[role] });
}

/** Creates the syncs: webhooks drive leads, schedules the spend and DMS reads. */
export async function createSyncs(api: DemoApi, c: DemoConnections): Promise<DemoSyncs> {
  const create = async (body: Record<string, unknown>) =>
    (await api.call<{ id: string }>('POST', '/syncs', body)).id;
  return {
    metaLeads: await create({
      name: 'Meta lead ads',
      connectionId: c.meta,
      mapping: 'meta-leads',
      mode: 'inbound',
    }),
    metaSpend: await create({
      name: 'Meta spend',
      connectionId: c.meta,
      mapping: 'meta-spend',
      mode: 'inbound',
      schedule: '0 * * * *',
    }),
    webLeads: await create({
      name: 'Website and lead-site leads (ADF in)',
      connectionId: c.vendors,
      mapping: 'adf-web-leads',
      mode: 'inbound',
    }),
    crmLeads: await create({
      name: 'Leads to the CRM (ADF out)',
      connectionId: c.crm,
      mapping: 'adf-lead',
      mode: 'outbound',
    }),
    dmsSales: await create({
      name: 'DMS deals',
      connectionId: c.dms,
      mapping: 'dms-sales',
      mode: 'inbound',
      schedule: '*/15 * * * *',
    }),
    ...(await createOutcomeSyncs(create, c)),
    ...(await createCrmSyncs(create, c)),
  };
}

/** Google Ads spend and campaigns in, and the conversions out to Google Ads and Meta. */
async function createOutcomeSyncs(
  create: (body: Record<string, unknown>) => Promise<string>,
  c: DemoConnections,
) {
  return {
    googleSpend: await create({
      name: 'Google Ads spend',
      connectionId: c.google,
      mapping: 'google-ads-spend',
      mode: 'inbound',
      schedule: '0 * * * *',
    }),
    googleCampaigns: await create({
      name: 'Google Ads campaigns',
      connectionId: c.google,
      mapping: 'google-ads-campaigns',
      mode: 'inbound',
      schedule: '0 6 * * *',
    }),
    googleConversions: await create({
      name: 'Sales to Google Ads (click conversions)',
      connectionId: c.google,
      mapping: 'google-ads-conversions',
      mode: 'outbound',
    }),
    metaEvents: await create({
      name: 'CRM events and sales to Meta (Conversions API)',
      connectionId: c.meta,
      mapping: 'meta-crm-events',
      mode: 'outbound',
    }),
  };
}

/**
 * Leads out to HubSpot, the salespeople's calls, emails, meetings and deal stages back in; the
 * newsletters' activity and names in from Mailchimp and the buyers' owner tag out.
 */
async function createCrmSyncs(
  create: (body: Record<string, unknown>) => Promise<string>,
  c: DemoConnections,
) {
  return {
    hubspotLeads: await create({
      name: 'Leads to HubSpot (contacts)',
      connectionId: c.hubspot,
      mapping: 'hubspot-leads',
      mode: 'outbound',
    }),
    hubspotEngagements: await create({
      name: 'HubSpot calls, emails and meetings',
      connectionId: c.hubspot,
      mapping: 'hubspot-engagements',
      mode: 'inbound',
      schedule: '*/10 * * * *',
    }),
    hubspotDeals: await create({
      name: 'HubSpot deal stages',
      connectionId: c.hubspot,
      mapping: 'hubspot-deals',
      mode: 'inbound',
      schedule: '*/10 * * * *',
    }),
    emailActivity: await create({
      name: 'Newsletter opens, clicks and bounces',
      connectionId: c.mailchimp,
      mapping: 'mailchimp-touchpoints',
      mode: 'inbound',
      schedule: '0 * * * *',
    }),
    emailCampaigns: await create({
      name: 'Newsletter names',
      connectionId: c.mailchimp,
      mapping: 'mailchimp-campaigns',
      mode: 'inbound',
      schedule: '0 * * * *',
    }),
    emailTags: await create({
      name: 'Owner and prospect tags to Mailchimp',
      connectionId: c.mailchimp,
      mapping: 'mailchimp-members',
      mode: 'outbound',
    }),
  };
}

/** Creates the store (the CLI's `tenant create`) and an admin key for the demo's own calls. */
export async function createStore(hub: Hub): Promise<string> {
  await hub.tenants.create({ id: STORE.tenantId, name: STORE.name, timezone: STORE.timeZone });
  const { token } = await hub.apiKeys.create(STORE.tenantId, 'admin', 'demo');
  return token;
}
