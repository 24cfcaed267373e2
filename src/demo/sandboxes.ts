import { DateTime } from 'luxon';

import { AdfCrmSandbox } from '../sandbox/adf-crm.ts';
import { GoogleAdsSandbox } from '../sandbox/google-ads.ts';
import { HubSpotPortal } from '../sandbox/hubspot/portal.ts';
import { FakeMailchimp } from '../sandbox/mailchimp.ts';
import { insightRow, MetaSandbox, type SandboxLead } from '../sandbox/meta.ts';
import { MAILCHIMP, playNewsletters, type EmailPlayed } from './email.ts';
import type { Campaign, Story, StoryLead } from './story.ts';

/** Made-up secrets of the sandbox accounts (the connections carry the same values). */
export const SECRETS = {
  metaAccessToken: 'EAAdemo0000LoneStarMotorsPageToken',
  metaAppSecret: 'demo-app-secret-0123456789',
  metaVerifyToken: 'lone-star-verify',
  crmHeader: 'X-Api-Key',
  crmToken: 'crm-demo-token-0001',
  adfWebhookToken: 'adf-vendor-token-0123456789',
  googleDeveloperToken: 'demo-developer-token-LSM',
  googleClientId: '000000000000-lonestar.apps.googleusercontent.com',
  googleClientSecret: 'GOCSPX-lone-star-demo-secret',
  googleRefreshToken: '1//0lone-star-demo-refresh-token',
  hubspotToken: 'pat-na1-00000000-lone-star-demo',
} as const;

/** Ids of the sandbox Google Ads account: the store's account under its agency's manager. */
export const GOOGLE_IDS = {
  customerId: '5125550100',
  managerId: '7375550100',
  /** The "Vehicle sale (DMS)" conversion action (UPLOAD_CLICKS). */
  conversionActionId: '6051234567',
} as const;

/** Ids of the sandbox Meta accounts. */
export const META_IDS = {
  pageId: '104857600000001',
  pageName: 'Lone Star Motors',
  adAccountId: '700000000000123',
  pixelId: '900000000000456',
  /**
   * The service department's own ad account, which the demo's connection does not read: the
   * README's "first sync" connects it (its spend is new to the hub, so nothing counts twice).
   */
  serviceAdAccountId: '700000000000456',
} as const;

/** The one campaign of the service department's ad account (spend only: it sells service, not cars). */
export const SERVICE_CAMPAIGN = { id: '120210000000201', name: 'Meta, Service Specials' } as const;

/** The vendor sandboxes the demo runs. */
export interface Sandboxes {
  meta: MetaSandbox;
  crm: AdfCrmSandbox;
  google: GoogleAdsSandbox;
  hubspot: HubSpotPortal;
  mailchimp: FakeMailchimp;
  /** The newsletters the audience received and what it did with them. */
  email: EmailPlayed;
  stop(): Promise<void>;
}

/** Starts every sandbox on loopback and loads the story's platform-side data into them. */
export async function startSandboxes(story: Story): Promise<Sandboxes> {
  const meta = await new MetaSandbox({
    accessToken: SECRETS.metaAccessToken,
    appSecret: SECRETS.metaAppSecret,
    ...META_IDS,
  }).start();
  const crm = await new AdfCrmSandbox({
    header: SECRETS.crmHeader,
    token: SECRETS.crmToken,
  }).start();
  const google = await new GoogleAdsSandbox({
    customerId: GOOGLE_IDS.customerId,
    managerId: GOOGLE_IDS.managerId,
    developerToken: SECRETS.googleDeveloperToken,
    clientId: SECRETS.googleClientId,
    clientSecret: SECRETS.googleClientSecret,
    refreshToken: SECRETS.googleRefreshToken,
    conversionActionIds: [GOOGLE_IDS.conversionActionId],
  }).start();
  const hubspot = await new HubSpotPortal().start();
  const mailchimp = await new FakeMailchimp(MAILCHIMP.listId, MAILCHIMP.apiKey).start();
  loadMeta(meta, story);
  loadGoogle(google, story);
  return {
    meta,
    crm,
    google,
    hubspot,
    mailchimp,
    email: playNewsletters(mailchimp, story),
    async stop() {
      await Promise.all([meta.stop(), crm.stop(), google.stop(), hubspot.stop(), mailchimp.stop()]);
    },
  };
}

const graphTime = (ms: number) =>
  DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZZ");

/** A form, ad set and ad per Meta campaign (ids derived from the campaign id). */
function adOf(c: Campaign) {
  const n = c.id.slice(-3);
  return { formId: `3100000000${n}`, adsetId: `12021000001${n}`, adId: `12021000002${n}` };
}

function metaLead(lead: StoryLead): SandboxLead {
  const { formId, adsetId, adId } = adOf(lead.campaign);
  const p = lead.person;
  const short = lead.campaign.name.replace(/^Meta, /, '');
  return {
    id: lead.id,
    created_time: graphTime(lead.createdAt),
    ad_id: adId,
    ad_name: `${short} - Carousel`,
    adset_id: adsetId,
    adset_name: `${short} - Austin 25mi`,
    campaign_id: lead.campaign.id,
    campaign_name: lead.campaign.name,
    form_id: formId,
    is_organic: false,
    platform: lead.createdAt % 3 === 0 ? 'ig' : 'fb',
    field_data: [
      { name: 'full_name', values: [`${p.firstName} ${p.lastName}`] },
      { name: 'email', values: [p.email] },
      { name: 'phone_number', values: [p.phone] },
      { name: 'zip_code', values: [p.postalCode] },
      { name: 'which_vehicle_are_you_interested_in?', values: [lead.vehicle.model] },
    ],
  };
}

/** Lead forms, leads and daily insights of the Meta campaigns. */
function loadMeta(meta: MetaSandbox, story: Story): void {
  for (const lead of story.leads) {
    if (lead.campaign.channel !== 'meta') continue;
    const { formId } = adOf(lead.campaign);
    meta.forms.set(formId, {
      id: formId,
      name: `${lead.campaign.name.replace(/^Meta, /, '')} - Get Your Offer`,
      status: 'ACTIVE',
    });
    meta.leads.set(lead.id, metaLead(lead));
  }
  for (const s of story.spend) {
    if (s.campaign.channel !== 'meta') continue;
    meta.insights.push({
      campaign_id: s.campaign.id,
      campaign_name: s.campaign.name,
      spend: (s.cents / 100).toFixed(2),
      impressions: String(Math.round(s.cents * 1.7)),
      clicks: String(Math.round(s.cents / 90)),
      account_currency: 'USD',
      date_start: s.date,
      date_stop: s.date,
    });
  }
  meta.otherAccounts.set(META_IDS.serviceAdAccountId, serviceInsights(story));
}

/** The service department's daily spend over the story's last 30 days (deterministic). */
function serviceInsights(story: Story) {
  const days = [...new Set(story.spend.map((s) => s.date))].sort().slice(-30);
  return days.map((date, i) => insightRow(SERVICE_CAMPAIGN, date, 3_000 + ((i * 7_919) % 2_500)));
}

/** The clicks behind the website leads (a few minutes before each form) and daily cost. */
function loadGoogle(google: GoogleAdsSandbox, story: Story): void {
  for (const lead of story.leads)
    if (lead.gclid) google.clicks.set(lead.gclid, lead.createdAt - 4 * 60_000);
  for (const s of story.spend) {
    if (s.campaign.channel !== 'google') continue;
    google.days.push({
      campaignId: s.campaign.id,
      campaignName: s.campaign.name,
      date: s.date,
      costMicros: String(s.cents * 10_000),
    });
  }
}
