import { propertiesOf, searchStream } from './stream.ts';

/** The contact properties the shipped mapping (mappings/hubspot-contacts.yaml) reads. */
export const CONTACT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'mobilephone',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'hs_lead_status',
  'lifecyclestage',
  'hs_analytics_source',
  'hs_analytics_source_data_1',
  'hs_analytics_source_data_2',
  'hs_google_click_id',
  'utm_campaign',
  'hubspot_owner_id',
  'message',
  'vehicle_year',
  'vehicle_make',
  'vehicle_model',
  'vehicle_vin',
  'hs_email_optout',
  'createdate',
  'lastmodifieddate',
];

/**
 * HubSpot contacts changed since the cursor, as `{ id, properties, createdAt, updatedAt }`
 * (the CRM objects shape). Contacts carry `lastmodifieddate` (docs/vendors.md, HubSpot).
 */
export const contactsStream = searchStream(
  'HubSpot contacts, incrementally by last modification (CRM search API)',
  (ctx) => ({
    objectType: 'contacts',
    modifiedProperty: 'lastmodifieddate',
    properties: propertiesOf(ctx, 'contacts', CONTACT_PROPERTIES),
  }),
  async (_ctx, objects) => ({ records: objects.map((o) => ({ ...o, objectType: 'contacts' })) }),
);
