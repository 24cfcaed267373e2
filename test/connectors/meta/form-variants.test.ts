import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { presentLeads } from '../../../connectors/meta/campaign-context.ts';
import meta from '../../../connectors/meta/index.ts';
import { GraphLead } from '../../../connectors/meta/schemas.ts';
import { contextOf, shippedMapping } from './support.ts';

/** Leads of forms built differently: first/last or full name, post_code, phone, state names. */
const leads = GraphLead.array().parse(
  JSON.parse(readFileSync('test/fixtures/meta/form-variant-leads.json', 'utf8')),
);
const ctx = contextOf(
  meta,
  { pageId: '104853122299871', campaignContext: 'none' },
  { accessToken: 'EAAG-page-token-0123456789' },
);

async function mapped() {
  const records = await presentLeads(ctx, leads, () => undefined);
  const m = await shippedMapping('meta-leads');
  return records.map((r) => m.in(r));
}

describe('mappings/meta-leads.yaml across lead form variants', () => {
  it('reads first_name + last_name, post_code and phone, keeping a multi-word last name', async () => {
    const [pieter] = await mapped();
    expect(pieter!.errors).toEqual([]);
    expect(pieter!.value.customer).toEqual({
      firstName: 'Pieter',
      lastName: 'van der Berg',
      email: 'pvdberg@gmail.com',
      phone: '+15125550187',
      address: { postalCode: '78704', state: 'TX', city: 'Austin' },
    });
  });

  it('splits a full name with particles and writes state names as USPS codes', async () => {
    const [, maria, jose] = await mapped();
    expect(maria!.value.customer).toMatchObject({
      firstName: 'Maria',
      lastName: 'De La Cruz',
      address: { postalCode: '78745-2210', state: 'NM' },
    });
    expect(jose!.value.customer).toMatchObject({
      firstName: 'Jose',
      lastName: 'Garcia Jr',
      phone: '+15125550199',
      address: { postalCode: '78613', state: 'TX' },
    });
    expect(jose!.value.customer).not.toHaveProperty('email');
  });

  it('names the field and the value of a state it cannot read, keeping the rest', async () => {
    const ana = (await mapped())[3]!;
    expect(ana.value.customer).toMatchObject({
      firstName: 'Ana',
      lastName: 'da Silva',
      email: 'ana.dasilva@outlook.com',
      address: { postalCode: '78750' },
    });
    expect(ana.errors).toEqual([
      {
        field: 'customer.address.state',
        value: 'Texsa',
        reason: 'not a US state or territory: "Texsa"',
        fatal: false,
      },
    ]);
  });
});
