import { objectSink } from './object-sink.ts';

/**
 * Contacts from canonical customers (mappings/hubspot-contacts.yaml), upserted by a unique
 * contact property: `email` by default (docs/vendors.md (HubSpot), developers.hubspot.com/docs/api-reference/latest/crm/objects/custom-objects/batch/upsert-custom-objects.md).
 */
export const contactsSink = objectSink(
  'Upserts HubSpot contacts in batches by email (or the configured unique property)',
  {
    objectType: 'contacts',
    idProperty: (s) => s.contactIdProperty,
    // The shipped mapping upserts by email: a customer without one is skipped, not quarantined.
    addressedBy: { field: 'email', skipped: 'noEmail' },
  },
);

/**
 * Contacts from canonical leads (mappings/hubspot-leads.yaml): the same HubSpot contacts, under a
 * sink name of their own so the hub's links of leads to contacts never mix with those of
 * customers (a contact id links to one hub record per sink).
 */
export const leadsSink = objectSink(
  'Upserts canonical leads as HubSpot contacts in batches by email, with their lead status',
  {
    objectType: 'contacts',
    idProperty: (s) => s.contactIdProperty,
    addressedBy: { field: 'customer.email', skipped: 'noEmail' },
  },
);

/**
 * Deals from canonical sales (mappings/hubspot-sales.yaml): a DMS sale becomes a closed-won deal,
 * upserted by a custom unique deal property (`dms_deal_number` by default, docs/vendors.md (HubSpot), developers.hubspot.com/docs/api-reference/latest/crm/objects/custom-objects/batch/upsert-custom-objects.md; it
 * must exist in the account with "unique values" on). Deals the hub has not linked yet get the
 * connection's pipeline and sold stage unless the record names its own.
 */
export const dealsSink = objectSink(
  'Upserts HubSpot deals in batches by a custom unique property (e.g. dms_deal_number)',
  {
    objectType: 'deals',
    idProperty: (s) => s.dealIdProperty,
    createDefaults: (s) => ({ pipeline: s.dealPipeline, dealstage: s.soldDealStage }),
  },
);
