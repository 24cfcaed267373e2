import { describe, expect, it } from 'vitest';

import { compileMapping, loadMappingFile } from '../../../src/mapping/index.ts';
import { engagementRecord } from '../../../connectors/hubspot/engagement-record.ts';
import { DEFAULT_LEAD_STATUSES } from '../../../src/sandbox/hubspot/writes.ts';
import { fixture } from './support.ts';

async function mapping(name: string) {
  const loaded = await loadMappingFile(`mappings/${name}.yaml`);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.format()).join('\n'));
  return compileMapping(loaded.doc);
}

type Obj = { id: string; properties: Record<string, unknown> };
const results = (name: string) => fixture<{ results: Obj[] }>(name).results;

describe('shipped HubSpot mappings', () => {
  it('contacts are customers, never leads; the canonical id is never mapped', async () => {
    const m = await mapping('hubspot-contacts');
    expect(m.entity).toBe('customer');
    const [jane] = results('contacts-search-page-1');
    const customer = m.in(jane).value;
    expect(customer).toMatchObject({
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      phone: '+15125550142',
      updatedAt: '2026-11-20T10:00:00Z',
    });
    expect(customer).not.toHaveProperty('id');
    expect(customer).not.toHaveProperty('stage');
    expect(m.recordKey(jane)).toBe('51');
    const withStage = (lifecyclestage: string) =>
      m.in({ ...jane, properties: { ...jane!.properties, lifecyclestage } }).value.type;
    expect(withStage('customer')).toBe('owner');
    expect(withStage('lead')).toBe('prospect');
    const out = m.out({ ...customer, id: 'cus_1', type: 'prospect' });
    expect(out.errors).toEqual([]);
    expect(out.value).toMatchObject({
      properties: { email: 'jane.doe@example.com', firstname: 'Jane' },
    });
    // Read-only or account-specific properties never go out, nor a prospect's lifecycle stage.
    const props = (out.value as { properties: Record<string, unknown> }).properties;
    for (const p of ['hs_email_optout', 'hubspot_owner_id', 'hs_lead_status', 'lifecyclestage'])
      expect(props).not.toHaveProperty(p);
  });

  it('an owner goes out with the lifecycle stage HubSpot defines as customer', async () => {
    const m = await mapping('hubspot-contacts');
    const stageOf = (c: Record<string, unknown>) => {
      const out = m.out({ id: 'cus_1', email: 'jane.doe@example.com', ...c });
      expect(out.errors).toEqual([]);
      return (out.value as { properties: Record<string, unknown> }).properties.lifecyclestage;
    };
    expect(stageOf({ type: 'owner' })).toBe('customer');
    expect(stageOf({ type: 'prospect' })).toBeUndefined();
    expect(stageOf({})).toBeUndefined();
    // Internal values of HubSpot's default lifecycle stages (contacts property lifecyclestage).
    const defined = [
      'subscriber',
      'lead',
      'marketingqualifiedlead',
      'salesqualifiedlead',
      'opportunity',
      'customer',
      'evangelist',
      'other',
    ];
    expect(defined).toContain(stageOf({ type: 'owner' }));
  });

  it('leads go out as contacts with lead statuses HubSpot defines (no SHOWED)', async () => {
    const m = await mapping('hubspot-leads');
    const defined = DEFAULT_LEAD_STATUSES;
    const lead = { id: 'lead_1', customer: { email: 'jane.doe@example.com', firstName: 'Jane' } };
    const status = (stage: string) =>
      (m.out({ ...lead, stage }).value as { properties: Record<string, unknown> }).properties
        .hs_lead_status;
    for (const stage of ['new', 'contacted', 'appointment', 'shown', 'lost'])
      expect(defined).toContain(status(stage));
    expect(status('shown')).toBe('OPEN_DEAL');
    // A sold lead keeps its last status: HubSpot marks buyers by lifecycle stage.
    expect(status('sold')).toBeUndefined();
  });

  it('deals: the deal stage is the lead stage, the contact is the customer', async () => {
    const m = await mapping('hubspot-deals');
    const [won] = results('deals-search');
    const deal = {
      ...won,
      objectType: 'deals',
      lifecycleStage: 'sold',
      contact: { email: 'jane.doe@example.com', firstname: 'Jane', lastname: 'Doe' },
    };
    expect(m.recordKey(deal)).toBe('deals:9001');
    expect(m.in(deal)).toMatchObject({
      quarantined: false,
      value: {
        stage: 'sold',
        source: 'hubspot',
        sourceDetail: 'HubSpot deal 2025 Ford Escape - Jane Doe',
        assignedTo: '7731',
        vehicle: { price: 3245000, currency: 'USD' },
        customer: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe' },
        updatedAt: '2026-11-21T18:00:05Z',
      },
    });
    // With the owner's name (owners API) the lead is assigned to the name, as activities are.
    expect(m.in({ ...deal, ownerName: 'Dana Brooks' }).value).toMatchObject({
      assignedTo: 'Dana Brooks',
    });
  });

  it('engagements: calls, emails and meetings become activities', async () => {
    const m = await mapping('hubspot-engagements');
    const call = engagementRecord('calls', results('calls-search')[0]!, ['51'], {});
    expect(m.recordKey(call)).toBe('calls:40112');
    expect(m.in(call).value).toEqual({
      type: 'call',
      direction: 'outbound',
      occurredAt: '2026-11-02T14:09:30Z',
      durationSeconds: 184,
      outcome: 'Connected',
      subject: 'Call with Jane Doe',
      notes: 'Left details about the Escape test drive.',
      user: '7731',
      leadId: '51',
    });
    const reply = engagementRecord('emails', results('emails-search')[1]!, ['51'], {});
    expect(m.in(reply).value).toMatchObject({ type: 'email', direction: 'inbound' });
    const meeting = engagementRecord('meetings', results('meetings-search')[0]!, [], {});
    expect(m.in(meeting).value).toMatchObject({
      type: 'appointment',
      scheduledFor: '2026-11-07T16:00:00Z',
      outcome: 'SCHEDULED',
    });
  });

  it("engagements: a logged text is an outbound text by its owner (name from the owners API), of the contact's customer", async () => {
    const m = await mapping('hubspot-engagements');
    const sms = {
      ...engagementRecord('communications', results('communications-search')[0]!, ['51'], {}),
      ownerName: 'Dana Brooks',
      contact: {
        email: 'Jane.Doe@Example.com ',
        firstname: 'jane',
        lastname: 'DOE',
        phone: '512-555-0142',
      },
    };
    expect(m.recordKey(sms)).toBe('communications:40400');
    expect(m.in(sms).value).toEqual({
      type: 'text',
      direction: 'outbound',
      occurredAt: '2026-11-02T14:20:00Z',
      notes: 'Hi Jane, the Escape is ready for Saturday at 10. Text back if that time works.',
      user: 'Dana Brooks',
      leadId: '51',
      customer: {
        email: 'jane.doe@example.com',
        firstName: 'Jane',
        lastName: 'Doe',
        phone: '+15125550142',
      },
    });
  });

  it('sales: a DMS sale becomes a deal keyed by its deal number', async () => {
    const m = await mapping('hubspot-sales');
    const out = m.out({
      id: 'sal_1',
      dealNumber: 'D-1001',
      saleDate: '2026-11-21',
      newUsed: 'new',
      price: 3245000,
      vehicle: { year: 2025, make: 'Ford', model: 'Escape' },
    });
    expect(out.errors).toEqual([]);
    expect(out.value).toEqual({
      properties: {
        dms_deal_number: 'D-1001',
        dealname: 'Sold: 2025 Ford Escape (D-1001)',
        amount: 32450,
        closedate: '2026-11-21',
      },
    });
  });
});
