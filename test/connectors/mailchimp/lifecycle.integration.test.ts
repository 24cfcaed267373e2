import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { runSync } from '../../../src/sync/run-sync.ts';
import { FakeMailchimp } from '../../../src/sandbox/mailchimp.ts';
import { FakeSystem } from '../../support/fake-system.ts';
import { mailchimpAndCrm, useLoopbackWorld, type MailchimpHarness } from './harness.ts';
import { LIST } from './support.ts';

let h: MailchimpHarness;
let crm: FakeSystem;
let mc: FakeMailchimp;

useLoopbackWorld((w) => ({ h, crm, mc } = w));

// Computed here, not with the connector's helper: the wire id is md5 of the lower-cased email.
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const run = (syncId: string) => runSync(h.engine.service.svc, h.tenantId, syncId, 'manual');

async function syncs() {
  const { mcSync, crmSync } = await mailchimpAndCrm(
    h,
    crm.url,
    { mapping: 'crm-lifecycle', mode: 'inbound' },
    { baseUrl: mc.url },
  );
  return { members: mcSync, buyers: crmSync };
}

const buyer = (id: string, email: string, extra: Record<string, unknown> = {}) =>
  crm.put('contacts', {
    id,
    email,
    first_name: id,
    type: 'owner',
    updated_at: '2026-12-01T15:00:00Z',
    ...extra,
  });

describe('email lifecycle: buyers move from prospect to owner in Mailchimp', () => {
  it('tags members who bought within one sync run, never adds anyone, never re-subscribes', async () => {
    const before = new Date('2026-11-20T10:00:00Z');
    const jane = mc.add('Jane.Doe@Example.com', 'subscribed', ['prospect', 'Spring Event'], before);
    const sam = mc.add('sam.lee@example.com', 'unsubscribed', ['prospect'], before);
    const cleo = mc.add('cleo.park@example.com', 'cleaned', [], before);
    const { members, buyers } = await syncs();

    // The hub learns the audience: three prospects (or untagged), nothing written back.
    const first = await run(members.id);
    expect(first?.counts).toMatchObject({ read: 3, created: 3, written: 0, failed: 0 });
    expect(mc.writes()).toEqual([]);

    // Sales matched: four buyers, one of them never on the list. The CRM also says "subscribed"
    // for Sam, who unsubscribed in Mailchimp.
    buyer('jane', 'JANE.DOE@example.com');
    buyer('sam', 'sam.lee@example.com', { email_status: 'subscribed' });
    buyer('cleo', 'cleo.park@example.com');
    buyer('newbie', 'new.buyer@example.com', { email_status: 'subscribed' });
    expect((await run(buyers.id))?.counts).toMatchObject({ read: 4, quarantined: 0 });

    // One run of the Mailchimp sync.
    const report = await run(members.id);
    expect(report?.status).toBe('succeeded');
    expect(report?.counts).toMatchObject({ written: 3, failed: 0, quarantined: 0 });
    expect(report?.notes).toEqual({ 'skipped.notOnList': 1 });

    // The wire: only PATCHes and tags POSTs, on md5(lower(email)); no PUT, no POST /members.
    const path = (hash: string) => `/3.0/lists/${LIST}/members/${hash}`;
    const writes = mc.writes().filter((r) => r.status < 300);
    expect(writes.map((r) => r.method).sort()).toEqual([
      'PATCH',
      'PATCH',
      'PATCH',
      'POST',
      'POST',
      'POST',
    ]);
    expect(mc.writes().filter((r) => r.status === 404)).toEqual([
      expect.objectContaining({ method: 'PATCH', path: path(md5('new.buyer@example.com')) }),
    ]);
    const ownerTags = [
      { name: 'owner', status: 'active' },
      { name: 'prospect', status: 'inactive' },
    ];
    for (const hash of [jane, sam, cleo]) {
      const tags = writes.find((r) => r.path === `${path(hash)}/tags`)?.body;
      // Jane's other tag is only ever (re)set active, never removed.
      const others = hash === jane ? [{ name: 'Spring Event', status: 'active' }] : [];
      expect(tags).toEqual({ tags: [...others, ...ownerTags] });
    }
    // A status is only ever an unsubscribe; never sent with a subscribe, never an email change.
    for (const w of writes.filter((r) => r.method === 'PATCH')) {
      const body = w.body as Record<string, unknown>;
      expect(body).not.toHaveProperty('status_if_new');
      expect(body).not.toHaveProperty('email_address');
      if ('status' in body) expect(body.status).toBe('unsubscribed');
    }

    // The audience afterwards: the same three people, owners, statuses as they were.
    expect(mc.members.size).toBe(3);
    expect(mc.members.get(md5('new.buyer@example.com'))).toBeUndefined();
    const state = (hash: string) => {
      const m = mc.members.get(hash)!;
      return { status: m.status, tags: [...m.tags].sort() };
    };
    expect(state(jane)).toEqual({ status: 'subscribed', tags: ['Spring Event', 'owner'] });
    expect(state(sam)).toEqual({ status: 'unsubscribed', tags: ['owner'] });
    expect(state(cleo)).toEqual({ status: 'cleaned', tags: ['owner'] });

    // The next cycle sends nothing again (reading the owners back changes nothing).
    const writesSoFar = mc.writes().length;
    const again = await run(members.id);
    expect(again?.counts).toMatchObject({ written: 0, failed: 0 });
    expect(mc.writes().length).toBe(writesSoFar);
  });

  it('skips a buyer without an email (noEmail: no list can have them), quarantines nothing', async () => {
    const jane = mc.add('jane.doe@example.com', 'subscribed', ['prospect'], new Date('2026-11-20'));
    const { members, buyers } = await syncs();
    expect((await run(members.id))?.counts).toMatchObject({ read: 1, created: 1 });
    buyer('jane', 'jane.doe@example.com');
    expect((await run(buyers.id))?.counts).toMatchObject({ read: 1, quarantined: 0 });
    // A DMS buyer the hub knows by name and phone only.
    const svc = h.engine.service.svc;
    await svc.records.writeMany(h.tenantId, [
      {
        record: {
          id: 'cus_no_email',
          entity: 'customer',
          v: 0,
          f: { firstName: 'Omar', lastName: 'Reyes', phone: '+15125550123', type: 'owner' },
          m: {},
        },
        expected: 0,
        changed: ['firstName', 'lastName', 'phone', 'type'],
        sourceConnectionId: 'dms-conn',
      },
    ]);

    const report = await run(members.id);
    expect(report?.status).toBe('succeeded');
    expect(report?.counts).toMatchObject({ written: 1, quarantined: 0, failed: 0 });
    expect(report?.notes).toEqual({ 'skipped.noEmail': 1 });
    expect(await svc.quarantine.list(h.tenantId, members.id)).toEqual([]);
    expect([...mc.members.get(jane)!.tags]).toEqual(['owner']);
  });
});
