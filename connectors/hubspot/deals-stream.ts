import type { SystemRecord } from '../../src/sdk/connector.ts';
import { associatedIds, readObjects } from './associations.ts';
import { withOwnerNames, type Presented } from './owners.ts';
import type { HubSpotContext } from './search.ts';
import { lifecycleOfDeal, STAGE_PROPERTIES } from './stages.ts';
import { propertiesOf, searchStream } from './stream.ts';
import type { CrmObject } from './wire.ts';

/** The deal properties the shipped mapping (mappings/hubspot-deals.yaml) reads. */
export const DEAL_PROPERTIES = [
  'dealname',
  'amount',
  'closedate',
  'createdate',
  'hs_lastmodifieddate',
  'hubspot_owner_id',
  'deal_currency_code',
  ...STAGE_PROPERTIES,
];

/** The properties of a deal's contact that identify the person. */
export const DEAL_CONTACT_PROPERTIES = ['email', 'firstname', 'lastname', 'phone', 'mobilephone'];

/**
 * Deals as the mapping reads them: the deal object, plus `lifecycleStage` (its stage on the
 * canonical lifecycle, per this connection's pipelines), `contactIds` and `contact` (the first
 * associated contact's properties, so the deal's lead resolves to the same customer) and
 * `ownerName` (the deal owner's name, owners API; an owner it does not name is noted).
 */
async function presentDeals(ctx: HubSpotContext, page: CrmObject[]): Promise<Presented> {
  const deals = await dealRecords(ctx, page);
  return withOwnerNames(
    ctx,
    deals,
    (d) => (d.properties as CrmObject['properties'] | undefined)?.hubspot_owner_id,
  );
}

/** The deals of a page the hub did not write, with their stage and first contact. */
async function dealRecords(ctx: HubSpotContext, page: CrmObject[]): Promise<SystemRecord[]> {
  // Deals the hub wrote from DMS sales (its `deals` sink's own write record, not a property a CRM
  // user may also fill in) are sales the hub already has, not leads: reading them back would only
  // add empty "sold" leads. (The cursor still moves past them: it comes from the raw page.)
  const own =
    (await ctx.writtenByHub?.(
      'deals',
      page.map((d) => d.id),
    )) ?? new Set<string>();
  const deals = page.filter((d) => !own.has(d.id));
  if (deals.length === 0) return [];
  const links = await associatedIds(
    ctx,
    'deals',
    'contacts',
    deals.map((d) => d.id),
  );
  const firstContacts = deals.map((d) => links.get(d.id)?.[0]).filter((x): x is string => !!x);
  const contacts = firstContacts.length
    ? await readObjects(ctx, 'contacts', firstContacts, DEAL_CONTACT_PROPERTIES)
    : new Map<string, CrmObject>();
  return deals.map((d) => {
    const contactIds = links.get(d.id) ?? [];
    const contact = contactIds[0] ? contacts.get(contactIds[0]) : undefined;
    const stage = lifecycleOfDeal(d, ctx.settings.dealStages);
    return {
      ...d,
      objectType: 'deals',
      contactIds,
      ...(contact ? { contact: contact.properties } : {}),
      ...(stage ? { lifecycleStage: stage } : {}),
    };
  });
}

/**
 * HubSpot deals changed since the cursor. Deals carry `hs_lastmodifieddate` (docs/vendors.md, HubSpot).
 * The unique deal property the sink upserts by is read too (a deal number a CRM user entered is
 * the deal's, and the deal is read like any other).
 */
export const dealsStream = searchStream(
  'HubSpot deals with their lifecycle stage and first contact, incrementally (CRM search API)',
  (ctx) => ({
    objectType: 'deals',
    modifiedProperty: 'hs_lastmodifieddate',
    properties: propertiesOf(ctx, 'deals', [...DEAL_PROPERTIES, ctx.settings.dealIdProperty]),
  }),
  presentDeals,
);
