import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { shippedMapping } from '../meta/support.ts';

const { records } = JSON.parse(
  readFileSync('test/fixtures/http-json/website-leads.json', 'utf8'),
) as { records: Record<string, unknown>[] };

describe('mappings/http-json-leads.yaml on website leads posted as JSON', () => {
  it('carries gclid, gbraid and wbraid to clickIds, top-level or nested', async () => {
    const m = await shippedMapping('http-json-leads');
    const [kevin, ana] = records.map((r) => m.in(r));
    expect(kevin!.errors).toEqual([]);
    expect(kevin!.value).toMatchObject({
      createdAt: '2025-11-25T00:22:40Z',
      source: 'website',
      sourceDetail: 'Schedule a Test Drive',
      campaignName: 'Accord Hybrid - Austin Search',
      clickIds: { gclid: 'Cj0KCQiA4L67BhDUARIsADWrl7Hq' },
      customer: {
        firstName: 'Kevin',
        lastName: "O'Brien",
        email: 'kobrien77@gmail.com',
        phone: '+15125550148',
        address: { postalCode: '78758-4401', state: 'TX' },
      },
      vehicle: { year: 2026, make: 'Honda', model: 'Accord' },
    });
    expect(ana!.errors).toEqual([]);
    expect(ana!.value.clickIds).toEqual({ gbraid: '0AAAAAo_Qf1v8ZBLhxq9' });
    expect(ana!.value.customer).toMatchObject({ firstName: 'Ana', lastName: 'de la Cruz' });
  });
});
