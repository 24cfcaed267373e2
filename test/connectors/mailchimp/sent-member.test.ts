import { describe, expect, it } from 'vitest';

import { memberWrite, sentMember } from '../../../connectors/mailchimp/member-write.ts';
import { MailchimpSettings } from '../../../connectors/mailchimp/settings.ts';

const settings = MailchimpSettings.parse({ listId: 'a1b2c3d4e5' });
const full = { addr1: '1 Congress Ave', city: 'Austin', state: 'TX', zip: '78701', country: 'US' };

describe('sentMember: the member as the members sink sends it (what the hub hashes)', () => {
  it('leaves out a partial ADDRESS, as the PATCH body does, and keeps the other merge fields', () => {
    const record = {
      email_address: 'jane@example.com',
      merge_fields: { FNAME: 'Jane', ADDRESS: { zip: '78701', country: 'US' } },
    };
    expect(sentMember(record)).toEqual({
      email_address: 'jane@example.com',
      merge_fields: { FNAME: 'Jane' },
    });
    const write = memberWrite(record, settings);
    expect(write).toMatchObject({ body: { merge_fields: { FNAME: 'Jane' } } });
  });

  it('drops merge_fields left empty, so it equals a member read back without any', () => {
    const record = { email_address: 'jane@example.com', merge_fields: { ADDRESS: { zip: '1' } } };
    expect(sentMember(record)).toEqual({ email_address: 'jane@example.com' });
  });

  it('keeps a full address and records without an address as they are', () => {
    const withFull = { email_address: 'jane@example.com', merge_fields: { ADDRESS: full } };
    expect(sentMember(withFull)).toEqual(withFull);
    const noAddress = { email_address: 'jane@example.com', merge_fields: { FNAME: 'Jane' } };
    expect(sentMember(noAddress)).toBe(noAddress);
    const odd = { email_address: 'jane@example.com', merge_fields: 'not an object' };
    expect(sentMember(odd)).toBe(odd);
  });
});
