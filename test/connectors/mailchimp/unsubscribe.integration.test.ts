import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { subscriberHash } from '../../../connectors/mailchimp/hash.ts';
import { createApp } from '../../../src/api/app.ts';
import { runSync } from '../../../src/sync/run-sync.ts';
import { FakeSystem } from '../../support/fake-system.ts';
import { mailchimpAndCrm, openMailchimpHarness, type MailchimpHarness } from './harness.ts';
import { fixtureText, HOST, LIST, SECRET, useNock } from './support.ts';

let h: MailchimpHarness;
let crm: FakeSystem;

// Redis and the fake CRM listen on loopback; Mailchimp itself is mocked.
useNock({ loopback: true });
beforeEach(async () => {
  h = await openMailchimpHarness();
  crm = await new FakeSystem().start();
});
afterEach(async () => {
  await h.close();
  await crm.stop();
});

const svc = () => h.engine.service.svc;
const run = (syncId: string) => runSync(svc(), h.tenantId, syncId, 'manual');

const setUp = () => mailchimpAndCrm(h, crm.url, { mapping: 'crm-contacts' });

/** Posts a Mailchimp webhook to the hub as Mailchimp would: form-encoded, secret in the URL. */
function deliver(connectionId: string, body: string, secret = SECRET) {
  return createApp(h.hub, h.engine.service).request(
    `/hooks/${h.tenantId}/${connectionId}?secret=${encodeURIComponent(secret)}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'MailChimp.com',
      },
      body,
    },
  );
}

async function customerOf(crmConnId: string) {
  const id = await h.hub.redis.hget(h.hub.keys.links(h.tenantId, crmConnId, 'contacts'), 'c-1');
  const [customer] = await svc().records.getMany(h.tenantId, 'customer', [id!]);
  return customer!;
}

describe('Mailchimp unsubscribe, end to end', () => {
  it('reaches the canonical customer and is never overwritten by a later sync from another system', async () => {
    const { mc, crmConn, mcSync, crmSync } = await setUp();
    crm.put('contacts', {
      id: 'c-1',
      email: 'jane.doe@example.com',
      first_name: 'jane',
      email_status: 'subscribed',
      updated_at: '2026-11-20T10:00:00Z',
    });
    await run(crmSync.id);
    expect((await customerOf(crmConn.id)).f.emailStatus).toBe('subscribed');

    // Mailchimp's validator GETs the URL first, then the unsubscribe arrives.
    const app = createApp(h.hub, h.engine.service);
    const check = await app.request(`/hooks/${h.tenantId}/${mc.id}?secret=${SECRET}`);
    expect([check.status, await check.text()]).toEqual([200, 'ok']);
    const res = await deliver(mc.id, fixtureText('webhook-unsubscribe.form'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: true, records: 1 });
    const job = (await h.engine.queue.queue.getJobs(['waiting']))[0]!;
    expect(job.name).toBe('webhook');
    await h.engine.queue.processor().process(job);

    const unsubscribed = await customerOf(crmConn.id);
    expect(unsubscribed.f).toMatchObject({
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      emailStatus: 'unsubscribed',
    });
    expect(unsubscribed.m.emailStatus).toMatchObject({ src: 'mailchimp', o: 'mailchimp' });
    // The Mailchimp member is linked to the same customer, by its subscriber hash.
    expect(
      await h.hub.redis.hget(
        h.hub.keys.links(h.tenantId, mc.id, 'members'),
        subscriberHash('jane.doe@example.com'),
      ),
    ).toBe(unsubscribed.id);

    // Days later the CRM says "subscribed" again, with a newer change time ("latest" there).
    crm.put('contacts', {
      id: 'c-1',
      email: 'jane.doe@example.com',
      first_name: 'jane',
      email_status: 'subscribed',
      updated_at: '2026-11-25T09:00:00Z',
    });
    const report = await run(crmSync.id);
    expect(report?.counts).toMatchObject({ read: 1, quarantined: 0 });
    const after = await customerOf(crmConn.id);
    expect(after.f.emailStatus).toBe('unsubscribed');
    expect(after.m.emailStatus).toMatchObject({ src: 'mailchimp' });
    // The CRM lost the conflict, so the hub corrects it.
    expect(crm.list('contacts')).toEqual([
      expect.objectContaining({ id: 'c-1', email_status: 'unsubscribed' }),
    ]);

    // And Mailchimp itself is only ever told "unsubscribed" for her.
    const patches: Record<string, unknown>[] = [];
    nock(HOST)
      .get(`/3.0/lists/${LIST}/members`)
      .query(true)
      .reply(200, { members: [], total_items: 0 });
    nock(HOST)
      .patch(`/3.0/lists/${LIST}/members/${subscriberHash('jane.doe@example.com')}`, (body) => {
        patches.push(body as Record<string, unknown>);
        return true;
      })
      .reply(200, JSON.parse(fixtureText('member-put-response.json')));
    const mcRun = await run(mcSync.id);
    expect(mcRun?.counts).toMatchObject({ written: 1, failed: 0 });
    expect(patches).toEqual([{ status: 'unsubscribed', merge_fields: { FNAME: 'Jane' } }]);
  });

  it('refuses a delivery with a wrong secret and stores nothing', async () => {
    const { mc } = await setUp();
    const res = await deliver(mc.id, fixtureText('webhook-unsubscribe.form'), 'not-the-secret');
    expect(res.status).toBe(401);
    expect(await h.engine.queue.queue.count()).toBe(0);
    expect(await svc().quarantine.list(h.tenantId)).toEqual([]);
  });

  it('answers a malformed delivery 400 without queueing anything', async () => {
    const { mc } = await setUp();
    const res = await deliver(mc.id, 'type=unsubscribe&fired_at=2026-11-22+18%3A45%3A12');
    expect(res.status).toBe(400);
    expect(await h.engine.queue.queue.count()).toBe(0);
  });
});
