import { describe, expect, it } from 'vitest';

import {
  canonicalEntities,
  conversionSchema,
  canonicalFields,
  identityKeys,
  leadSchema,
  lifecycleStage,
  saleSchema,
} from '../../src/canonical/index.ts';

describe('canonical entities', () => {
  it('has the eight entities and one lifecycle scale', () => {
    expect(Object.keys(canonicalEntities)).toEqual([
      'customer',
      'lead',
      'touchpoint',
      'sale',
      'activity',
      'campaign',
      'spend',
      'conversion',
    ]);
    expect(lifecycleStage.options).toEqual([
      'new',
      'contacted',
      'appointment',
      'shown',
      'sold',
      'lost',
    ]);
  });

  it('lists leaf fields with kinds, formats and required flags', () => {
    const lead = canonicalFields(leadSchema);
    expect(lead.get('customer.email')).toMatchObject({
      kind: 'string',
      format: 'email',
      required: false,
    });
    expect(lead.get('stage')).toMatchObject({ kind: 'enum', values: lifecycleStage.options });
    expect(canonicalFields(saleSchema).get('dealNumber')).toMatchObject({
      kind: 'string',
      required: true,
    });
    expect(canonicalFields(saleSchema).get('vehicle.year')).toMatchObject({ kind: 'integer' });
  });

  it('validates a DMS deal', () => {
    const deal = {
      dealNumber: '314403',
      saleDate: '2023-01-04',
      newUsed: 'used',
      vin: '1HGCM82633A004352',
      frontGross: 207250,
      backGross: 71300,
    };
    expect(saleSchema.safeParse(deal).success).toBe(true);
    // money is integer cents: a float amount is refused, naming the unit
    const float = saleSchema.safeParse({ ...deal, frontGross: 2072.5 });
    expect(float.success).toBe(false);
    expect(float.error!.issues[0]).toMatchObject({ path: ['frontGross'] });
    expect(float.error!.issues[0]!.message).toMatch(/integer number of cents/);
    expect(saleSchema.safeParse({ ...deal, vin: 'IOQ' }).success).toBe(false);
  });

  it('derives identity keys: email, every E.164 phone, first + last name + postal code', () => {
    expect(
      identityKeys({
        email: ' A@B.com',
        phone: '+16505551212',
        mobilePhone: '+16505551213',
        firstName: 'Zoë',
        lastName: "O'Néil",
        address: { postalCode: '48127-1398' },
      }),
    ).toEqual({
      email: 'a@b.com',
      phones: ['+16505551212', '+16505551213'],
      firstName: 'zoe',
      namePostal: 'zoe|oneil|48127',
    });
    expect(
      identityKeys({
        firstName: 'Jan',
        lastName: 'van der  Berg',
        address: { postalCode: 'K1A 0B1' },
      }),
    ).toEqual({ phones: [], firstName: 'jan', namePostal: 'jan|van der berg|k1a0b1' });
    // A business buyer has strong keys only.
    expect(
      identityKeys({
        companyName: 'GREENBELT LAWN CARE',
        phone: '+16505551212',
        address: { postalCode: '78708' },
      }),
    ).toEqual({ phones: ['+16505551212'] });
  });

  it('validates a conversion: stable id, offset time, integer cents, unhashed user', () => {
    const purchase = {
      id: 'meta:1234567890123456:Purchase:314403',
      destination: 'meta',
      kind: 'purchase',
      eventName: 'Purchase',
      eventId: '1234567890123456:Purchase:314403',
      eventTime: '2025-06-21T12:00:00-05:00',
      valueCents: 278550,
      currency: 'USD',
      metaLeadId: '1234567890123456',
      user: { email: 'ann@example.com', phone: '+15125550142', state: 'TX', country: 'US' },
    };
    expect(conversionSchema.safeParse(purchase).success).toBe(true);
    const noOffset = conversionSchema.safeParse({ ...purchase, eventTime: '2025-06-21 12:00:00' });
    expect(noOffset.error?.issues[0]?.path).toEqual(['eventTime']);
    const float = conversionSchema.safeParse({ ...purchase, valueCents: 2785.5 });
    expect(float.error?.issues[0]?.path).toEqual(['valueCents']);
    const dest = conversionSchema.safeParse({ ...purchase, destination: 'tiktok' });
    expect(dest.error?.issues[0]?.path).toEqual(['destination']);
    expect(canonicalFields(conversionSchema).get('user.email')).toMatchObject({ format: 'email' });
  });
});
