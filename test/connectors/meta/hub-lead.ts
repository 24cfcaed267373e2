import type { Lead } from '../../../src/canonical/index.ts';

/**
 * The lead mappings/meta-leads.yaml makes of fixtures/lead.json as the meta connector presents it
 * (form "Test Drive - Civic 2026"), with the id the hub gave it: what the ADF tests send out.
 */
export const metaLead: Lead & { id: string } = {
  id: 'lead_01JCW8T4M2',
  clickIds: { metaLeadId: '1327461758824197' },
  createdAt: '2025-11-20T10:05:04Z',
  stage: 'new',
  source: 'meta',
  sourceDetail:
    'Meta Lead Ads · form: Test Drive - Civic 2026 · ad set: Austin 25mi - Auto Intenders · ad: Civic Carousel - Test Drive',
  campaignId: '120215834455660471',
  campaignName: 'Q4 Civic Test Drive',
  adSetId: '120215834455660498',
  adId: '120215834455660512',
  formId: '1187339126064512',
  customer: {
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'jane.doe@example.com',
    phone: '+15125550142',
    address: { postalCode: '78701-1234' },
  },
  comments: '2026 Civic EX',
};
