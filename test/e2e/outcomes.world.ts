import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DateTime } from 'luxon';

import { vinCheckDigit } from '../../src/mapping/transforms/vin.ts';
import { AdfCrmSandbox } from '../../src/sandbox/adf-crm.ts';
import { GoogleAdsSandbox } from '../../src/sandbox/google-ads.ts';
import { FakeHubSpot } from '../../src/sandbox/hubspot/server.ts';
import type { FakeObject } from '../../src/sandbox/hubspot/search.ts';
import { FakeMailchimp } from '../../src/sandbox/mailchimp.ts';
import { MetaSandbox } from '../../src/sandbox/meta.ts';

// The world of the outcomes end-to-end test (issue 14): a store, two shoppers, the vendor fakes
// they touch, and the dates of their story relative to now (Meta takes CRM events at most 7 days
// old, so the story cannot be pinned to a calendar date).

export const TZ = 'America/Chicago';
const DAY = 86_400_000;
/** The moment the world was made; every time of the story is relative to it. */
export const NOW = Date.now();

export const SECRETS = {
  metaToken: 'EAAoutcomes0000PageToken',
  metaAppSecret: 'outcomes-app-secret-0123456789',
  crmHeader: 'X-Api-Key',
  crmToken: 'crm-outcomes-token-0001',
  adfToken: 'adf-vendor-token-outcomes-01',
  devToken: 'outcomes-developer-token',
  clientId: '000000000000-outcomes.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-outcomes-secret',
  refreshToken: '1//0outcomes-refresh-token',
  hubspotToken: 'pat-na1-outcomes-0000',
  mailchimpKey: '0123456789abcdef0123456789abcdef-us14',
} as const;

export const IDS = {
  pageId: '104857600000777',
  adAccountId: '700000000000777',
  pixelId: '900000000000777',
  formId: '3100000000777',
  customerId: '5125550177',
  managerId: '7375550177',
  actionId: '6051234577',
  listId: 'b2c3d4e5f6',
} as const;

/** Maria came from a Meta lead ad; David from a Google search ad (gclid) on the website form. */
export const MARIA = {
  metaLeadId: '880000000000101',
  firstName: 'María',
  lastName: 'Garza',
  email: 'Maria.Garza@Example.com',
  phone: '+15125550101',
  street: '1200 Congress Ave',
  postalCode: '78701',
  createdAt: NOW - 5 * DAY,
  hubspotContact: '501',
  hubspotDeal: '9101',
  dealNumber: '24501',
  grossCents: 312_550,
};
export const DAVID = {
  gclid: 'EAIaIQobChMIoutcomes0001BwE',
  firstName: 'David',
  lastName: 'Kim',
  email: 'david.kim@gmail.com',
  phone: '+15125550102',
  street: '2101 E Cesar Chavez St',
  postalCode: '78702',
  createdAt: NOW - 4 * DAY,
  hubspotContact: '502',
  hubspotDeal: '9102',
  dealNumber: '24502',
  grossCents: 187_525,
};
/** When the salespeople moved the deals in HubSpot: appointment, then closed-won. */
export const APPOINTMENT_AT = NOW - 3 * DAY;
export const SOLD_AT = NOW - 2 * DAY;
/** The sale day (tenant date) both deals carry in the DMS export. */
export const SALE_DATE = DateTime.fromMillis(SOLD_AT, { zone: TZ }).toISODate()!;

const graphTime = (ms: number) =>
  DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZZ");
const iso = (ms: number) => new Date(ms).toISOString();

/** The vendor fakes of the world. */
export interface Fakes {
  meta: MetaSandbox;
  google: GoogleAdsSandbox;
  crm: AdfCrmSandbox;
  hubspot: FakeHubSpot;
  mailchimp: FakeMailchimp;
  stop(): Promise<void>;
}

export async function startFakes(): Promise<Fakes> {
  const meta = await new MetaSandbox({
    accessToken: SECRETS.metaToken,
    appSecret: SECRETS.metaAppSecret,
    pageId: IDS.pageId,
    pageName: 'Hill Country Motors',
    adAccountId: IDS.adAccountId,
    pixelId: IDS.pixelId,
  }).start();
  meta.forms.set(IDS.formId, { id: IDS.formId, name: 'Tacoma - Get Your Offer', status: 'ACTIVE' });
  meta.leads.set(MARIA.metaLeadId, {
    id: MARIA.metaLeadId,
    created_time: graphTime(MARIA.createdAt),
    ad_id: '120210000002777',
    ad_name: 'Tacoma - Carousel',
    adset_id: '120210000001777',
    adset_name: 'Tacoma - Austin 25mi',
    campaign_id: '120210000000777',
    campaign_name: 'Meta, Tacoma Q4',
    form_id: IDS.formId,
    is_organic: false,
    platform: 'fb',
    field_data: [
      { name: 'full_name', values: [`${MARIA.firstName} ${MARIA.lastName}`] },
      { name: 'email', values: [MARIA.email] },
      { name: 'phone_number', values: [MARIA.phone] },
      { name: 'zip_code', values: [MARIA.postalCode] },
    ],
  });
  const google = await new GoogleAdsSandbox({
    customerId: IDS.customerId,
    managerId: IDS.managerId,
    developerToken: SECRETS.devToken,
    clientId: SECRETS.clientId,
    clientSecret: SECRETS.clientSecret,
    refreshToken: SECRETS.refreshToken,
    conversionActionIds: [IDS.actionId],
  }).start();
  google.clicks.set(DAVID.gclid, DAVID.createdAt - 4 * 60_000);
  const crm = await new AdfCrmSandbox({
    header: SECRETS.crmHeader,
    token: SECRETS.crmToken,
  }).start();
  const hubspot = await startHubSpot();
  const mailchimp = await new FakeMailchimp(IDS.listId, SECRETS.mailchimpKey).start();
  const before = new Date(NOW - 30 * DAY);
  mailchimp.add(MARIA.email, 'subscribed', ['prospect'], before);
  mailchimp.add(DAVID.email, 'subscribed', ['prospect', 'Truck Month'], before);
  return {
    meta,
    google,
    crm,
    hubspot,
    mailchimp,
    async stop() {
      await Promise.all([meta.stop(), google.stop(), crm.stop(), hubspot.stop(), mailchimp.stop()]);
    },
  };
}

/** HubSpot with the two contacts the salespeople made by hand (not the hub) and their deals. */
async function startHubSpot(): Promise<FakeHubSpot> {
  const hubspot = await new FakeHubSpot().start();
  const contact = (p: typeof MARIA | typeof DAVID): FakeObject => ({
    id: p.hubspotContact,
    properties: {
      email: p.email.toLowerCase(),
      firstname: p.firstName,
      lastname: p.lastName,
      phone: p.phone,
      hs_object_id: p.hubspotContact,
      createdate: iso(p.createdAt + 3_600_000),
      lastmodifieddate: iso(p.createdAt + 3_600_000),
    },
    createdAt: iso(p.createdAt + 3_600_000),
    updatedAt: iso(p.createdAt + 3_600_000),
  });
  hubspot.objects.set('contacts', [contact(MARIA), contact(DAVID)]);
  hubspot.objects.set('deals', []);
  const contactOf = new Map([
    [MARIA.hubspotDeal, MARIA.hubspotContact],
    [DAVID.hubspotDeal, DAVID.hubspotContact],
  ]);
  hubspot.routes.push(({ method, path, body }) => {
    const inputs = ((body as { inputs?: { id: string }[] })?.inputs ?? []).map((i) => i.id);
    if (method === 'POST' && path === '/crm/v4/associations/deals/contacts/batch/read')
      return {
        status: 200,
        body: {
          status: 'COMPLETE',
          results: inputs.flatMap((id) =>
            contactOf.has(id)
              ? [{ from: { id }, to: [{ toObjectId: Number(contactOf.get(id)) }] }]
              : [],
          ),
        },
      };
    if (method === 'POST' && path === '/crm/v3/objects/contacts/batch/read')
      return {
        status: 200,
        body: {
          status: 'COMPLETE',
          results: (hubspot.objects.get('contacts') ?? []).filter((c) => inputs.includes(c.id)),
        },
      };
    return null;
  });
  return hubspot;
}

/** The salesperson moves both deals to a stage at `at` (creating them the first time). */
export function moveDeals(hubspot: FakeHubSpot, stage: string, at: number): void {
  const deal = (p: typeof MARIA | typeof DAVID): FakeObject => ({
    id: p.hubspotDeal,
    properties: {
      dealname: `${p.firstName} ${p.lastName} - Tacoma`,
      dealstage: stage,
      pipeline: 'default',
      hs_is_closed_won: String(stage === 'closedwon'),
      amount: (p.grossCents / 100).toFixed(2),
      createdate: iso(p.createdAt + 3_600_000),
      hs_lastmodifieddate: iso(at),
      hs_object_id: p.hubspotDeal,
    },
    createdAt: iso(p.createdAt + 3_600_000),
    updatedAt: iso(at),
  });
  hubspot.objects.set('deals', [deal(MARIA), deal(DAVID)]);
}

/** David's website form, posted as ADF by the store's website with the gclid it captured. */
export function davidAdf(): string {
  const at = DateTime.fromMillis(DAVID.createdAt, { zone: TZ }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
  return `<?xml version="1.0" encoding="UTF-8"?>
<?adf version="1.0"?>
<adf>
  <prospect status="new">
    <id sequence="1" source="DealerWebsite">WEB-77001</id>
    <id sequence="2" source="gclid">${DAVID.gclid}</id>
    <id sequence="3" source="gad_campaignid">21000000777</id>
    <id sequence="4" source="utm_campaign">Google, Trucks Search</id>
    <requestdate>${at}</requestdate>
    <vehicle interest="buy" status="new"><year>2026</year><make>Toyota</make><model>Tacoma</model></vehicle>
    <customer>
      <contact>
        <name part="first">${DAVID.firstName}</name><name part="last">${DAVID.lastName}</name>
        <email>${DAVID.email}</email>
        <phone type="cellphone">${DAVID.phone}</phone>
        <address type="home"><postalcode>${DAVID.postalCode}</postalcode><country>US</country></address>
      </contact>
    </customer>
    <vendor><vendorname>Hill Country Motors</vendorname><contact><name part="full">Internet Sales</name><email>internet@hillcountry.example</email></contact></vendor>
    <provider><name part="full">Google Ads</name><service>Website lead form</service></provider>
  </prospect>
</adf>
`;
}

/** A valid 17-character Toyota VIN ending in `serial`, with its check digit. */
function vinOf(serial: string): string {
  const draft = `3TMLB5JN0TM${serial}`;
  return `${draft.slice(0, 8)}${vinCheckDigit(draft)}${draft.slice(9)}`;
}

/** The DMS drops one export with both deals (generic layout, docs/vendors.md (DMS exports)). */
export function writeDmsExport(folder: string): void {
  mkdirSync(join(folder, 'sales'), { recursive: true });
  const us = `${SALE_DATE.slice(5, 7)}/${SALE_DATE.slice(8, 10)}/${SALE_DATE.slice(0, 4)}`;
  const header =
    'dealer_id,deal_number,deal_status,sale_date,new_used,sale_type,vin,year,make,model,first_name,last_name,email,phone_cell,address1,city,state,postal_code,sale_price,front_gross,back_gross,total_gross,salesperson';
  const row = (p: typeof MARIA | typeof DAVID, vin: string) =>
    [
      'HCM01',
      p.dealNumber,
      'F',
      us,
      'N',
      'Finance',
      vin,
      '2026',
      'TOYOTA',
      'TACOMA',
      p.firstName.toUpperCase(),
      p.lastName.toUpperCase(),
      p.email,
      p.phone.slice(2),
      p.street,
      'Austin',
      'TX',
      p.postalCode,
      '41995.00',
      (p.grossCents / 100).toFixed(2),
      '0.00',
      (p.grossCents / 100).toFixed(2),
      'Dana Brooks',
    ].join(',');
  writeFileSync(
    join(folder, 'sales', `deals-${SALE_DATE}.csv`),
    [header, row(MARIA, vinOf('000101')), row(DAVID, vinOf('000102')), ''].join('\r\n'),
  );
}
