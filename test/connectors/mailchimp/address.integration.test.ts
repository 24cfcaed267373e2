import { describe, expect, it } from 'vitest';

import { runSync } from '../../../src/sync/run-sync.ts';
import { FakeMailchimp } from '../../../src/sandbox/mailchimp.ts';
import { FakeSystem } from '../../support/fake-system.ts';
import { mailchimpAndCrm, useLoopbackWorld, type MailchimpHarness } from './harness.ts';

let h: MailchimpHarness;
let crm: FakeSystem;
let mc: FakeMailchimp;

useLoopbackWorld((w) => ({ h, crm, mc } = w));

const run = (syncId: string) => runSync(h.engine.service.svc, h.tenantId, syncId, 'manual');

const contact = (address: Record<string, string>, at: string) =>
  crm.put('contacts', {
    id: 'jane',
    email: 'jane.doe@example.com',
    first_name: 'Jane',
    updated_at: at,
    ...address,
  });

describe('Mailchimp members: a partial address the sink leaves out is not re-sent every run', () => {
  it('writes a member with a partial address once, and again only when its full address changes', async () => {
    const jane = mc.add('jane.doe@example.com', 'subscribed', [], new Date('2026-11-20T10:00:00Z'));
    const { mcSync, crmSync } = await mailchimpAndCrm(
      h,
      crm.url,
      { mapping: 'crm-address', mode: 'inbound' },
      { baseUrl: mc.url },
    );
    expect((await run(mcSync.id))?.counts).toMatchObject({ read: 1, written: 0 });

    // The CRM knows only Jane's postal code and country: Mailchimp's ADDRESS needs all its parts.
    contact({ zip: '78701', country: 'US' }, '2026-12-01T15:00:00Z');
    expect((await run(crmSync.id))?.counts).toMatchObject({ read: 1, quarantined: 0 });
    const first = await run(mcSync.id);
    expect(first?.counts).toMatchObject({ written: 1, failed: 0, quarantined: 0 });
    // Not silent: the run report counts the member written without its partial address.
    expect(first?.notes).toEqual({ 'leftOut.partialAddress': 1 });
    const patches = () => mc.writes().filter((r) => r.method === 'PATCH' && r.status < 300);
    expect(patches().map((r) => r.body)).toEqual([{ merge_fields: { FNAME: 'Jane' } }]);
    expect(mc.members.get(jane)?.merge_fields).toEqual({ FNAME: 'Jane' });

    // Next cycles: Jane is read back as Mailchimp has her, and nothing is sent again.
    for (let cycle = 0; cycle < 2; cycle++) {
      const sent = mc.writes().length;
      const again = await run(mcSync.id);
      expect(again?.counts).toMatchObject({ written: 0, failed: 0 });
      expect(mc.writes().length).toBe(sent);
    }

    // The full address arrives: written once, with the ADDRESS merge field.
    const full = { street: '1 Congress Ave', city: 'Austin', state: 'TX', zip: '78701' };
    contact({ ...full, country: 'US' }, '2026-12-02T15:00:00Z');
    expect((await run(crmSync.id))?.counts).toMatchObject({ read: 1, quarantined: 0 });
    const fullRun = await run(mcSync.id);
    expect(fullRun?.counts).toMatchObject({ written: 1, failed: 0 });
    expect(fullRun?.notes?.['leftOut.partialAddress']).toBeUndefined();
    const address = { addr1: '1 Congress Ave', city: 'Austin', state: 'TX', zip: '78701' };
    expect(patches().at(-1)?.body).toMatchObject({
      merge_fields: { ADDRESS: expect.objectContaining(address) },
    });
    expect(mc.members.get(jane)?.merge_fields.ADDRESS).toMatchObject(address);
    const sent = mc.writes().length;
    expect((await run(mcSync.id))?.counts).toMatchObject({ written: 0, failed: 0 });
    expect(mc.writes().length).toBe(sent);
  });
});
