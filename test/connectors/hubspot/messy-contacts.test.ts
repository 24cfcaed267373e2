import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { compileMapping, loadMappingFile } from '../../../src/mapping/index.ts';

const page = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../fixtures/hubspot/contacts-search-messy.json'),
    'utf8',
  ),
) as { results: { id: string }[] };

describe('messy HubSpot contacts (test/fixtures/hubspot) through hubspot-contacts', () => {
  it('normalizes what can be, drops only invalid values with their reason, holds back no email', async () => {
    const loaded = await loadMappingFile('mappings/hubspot-contacts.yaml');
    if (!loaded.ok) throw new Error('mapping does not load');
    const m = compileMapping(loaded.doc);
    const [maria, andres, pieter, jose, kim, walkIn] = page.results.map((r) => m.in(r));
    expect(maria).toMatchObject({
      errors: [],
      value: {
        email: 'maria.garcia@example.com',
        firstName: 'Maria',
        lastName: 'Garcia',
        phone: '+15125550190',
        mobilePhone: '+17375550101',
        address: { state: 'TX', postalCode: '78708-1234', city: 'Austin', country: 'US' },
        type: 'owner',
        emailStatus: 'unsubscribed',
      },
    });
    // Not opted out is no email status (and no problem); "tx" is Texas.
    expect(andres!.errors).toEqual([]);
    expect(andres!.value).not.toHaveProperty('emailStatus');
    expect(andres!.value).toMatchObject({ type: 'prospect', address: { state: 'TX' } });
    // A multi-word last name survives; an evangelist is an owner.
    expect(pieter!.value).toMatchObject({ lastName: 'van der Berg', type: 'owner' });
    // A short phone and a Canadian province are dropped with their reasons; the rest stays.
    expect(jose!.quarantined).toBe(false);
    expect(jose!.errors.map((e) => [e.field, e.fatal])).toEqual([
      ['phone', false],
      ['address.state', false],
    ]);
    expect(jose!.value).toMatchObject({
      firstName: 'José',
      lastName: "O'Neil-Smith",
      address: { postalCode: 'K1A 0B1', country: 'CA' },
    });
    expect(kim!.value).toMatchObject({ email: 'kim.lee@example.com' });
    expect(kim!.value).not.toHaveProperty('type');
    // No usable email: the contact is held back, naming the field.
    expect(walkIn).toMatchObject({ quarantined: true, errors: [{ field: 'email', fatal: true }] });
  });
});
