import { describe, expect, it } from 'vitest';

import { presentMember } from '../../../connectors/mailchimp/members-stream.ts';
import { MembersPage } from '../../../connectors/mailchimp/schemas.ts';
import { MailchimpSettings } from '../../../connectors/mailchimp/settings.ts';
import { compileMapping, loadMappingFile } from '../../../src/mapping/index.ts';
import messy from '../../fixtures/mailchimp/members-messy.json' with { type: 'json' };

describe('messy Mailchimp members (test/fixtures/mailchimp) through the stream and mapping', () => {
  it('reads statuses, lifecycle tags and merge fields as canonical customers', async () => {
    const loaded = await loadMappingFile('mappings/mailchimp-members.yaml');
    if (!loaded.ok) throw new Error('mapping does not load');
    const m = compileMapping(loaded.doc);
    const { lifecycleTags } = MailchimpSettings.parse({ listId: 'a1b2c3d4e5' });
    const [maria, sam, bounced, business, pending] = MembersPage.parse(messy).members.map((x) =>
      m.in(presentMember(x, lifecycleTags)),
    );
    // Both lifecycle tags set: owner wins; other tags stay; Texas is TX; ZIP+4 kept.
    expect(maria).toMatchObject({
      errors: [],
      value: {
        email: 'maria.garcia@example.com',
        emailStatus: 'subscribed',
        firstName: 'Maria',
        lastName: 'Garcia',
        type: 'owner',
        tags: ['Spring Event'],
        address: { state: 'TX', postalCode: '78708-1234', line2: 'Apt 12' },
      },
    });
    // Archived reads as unsubscribed; an empty ADDRESS string is no address.
    expect(sam!.value).toMatchObject({ emailStatus: 'unsubscribed' });
    expect(sam!.value).not.toHaveProperty('address');
    expect(bounced!.value).toMatchObject({ emailStatus: 'cleaned', type: 'prospect' });
    expect(business!.value).toMatchObject({ emailStatus: 'transactional', tags: ['service'] });
    // A phone too short to be one is dropped with its reason, the member kept.
    expect(pending).toMatchObject({
      quarantined: false,
      value: { emailStatus: 'pending', firstName: 'Pieter', lastName: 'van der Berg' },
      errors: [{ field: 'phone', fatal: false }],
    });
  });
});
