import { describe, expect, it } from 'vitest';

import { subscriberHash } from '../../../connectors/mailchimp/hash.ts';
import { writeMembers } from '../../../connectors/mailchimp/members-sink.ts';
import type { SinkItem } from '../../../src/sdk/connector.ts';
import { AuthError } from '../../../src/sdk/errors.ts';
import { context, fixture, LIST, mailchimp, PROBLEM, useNock } from './support.ts';

useNock();

const item = (record: Record<string, unknown>, i = 0): SinkItem => ({
  canonicalId: `cus_${i}`,
  destinationId: null,
  idempotencyKey: `key-${i}`,
  record,
});
const member = (email: string) => `/3.0/lists/${LIST}/members/${subscriberHash(email)}`;
const jane = {
  email_address: 'Jane.Doe@Example.com',
  status: 'subscribed',
  merge_fields: { FNAME: 'Jane', LNAME: 'Doe', PHONE: '(512) 555-0142' },
  lifecycle: 'owner',
  tags: ['service'],
};
const sam = { email_address: 'sam.lee@example.com', status: 'unsubscribed' };
const pat = { email_address: 'pat.kim@example.com', merge_fields: { PHONE: '555' } };

describe('members sink, one call per member', () => {
  it('updates by the hash of the lower-cased email, then sets lifecycle tags', async () => {
    mailchimp()
      .patch(member('jane.doe@example.com'), {
        // No status: a subscribe from another system never re-subscribes anyone; no email (the
        // hash names the member).
        merge_fields: { FNAME: 'Jane', LNAME: 'Doe', PHONE: '(512) 555-0142' },
      })
      .reply(200, fixture('member-put-response'));
    mailchimp()
      .post(`${member('jane.doe@example.com')}/tags`, {
        tags: [
          { name: 'service', status: 'active' },
          { name: 'owner', status: 'active' },
          { name: 'prospect', status: 'inactive' },
        ],
      })
      .reply(204);
    // An unsubscribe propagates; no tags, so no tags call.
    mailchimp()
      .patch(member('sam.lee@example.com'), { status: 'unsubscribed' })
      .reply(200, { ...fixture('member-put-response'), email_address: 'sam.lee@example.com' });
    const results = await writeMembers(context(), [item(jane, 0), item(sam, 1)]);
    expect(results).toEqual([
      { ok: true, destinationId: subscriberHash('jane.doe@example.com') },
      { ok: true, destinationId: subscriberHash('sam.lee@example.com') },
    ]);
  });

  it('never creates a member: a 404 is skipped as not on the list, with no tags call', async () => {
    mailchimp()
      .patch(member('new.buyer@example.com'))
      .reply(404, fixture('problem-resource-not-found'), PROBLEM);
    // Tags only (nothing else to update): the tags endpoint answers 404 for a non-member too.
    mailchimp()
      .post(`${member('tags.only@example.com')}/tags`)
      .reply(404, fixture('problem-resource-not-found'), PROBLEM);
    const results = await writeMembers(context(), [
      item(
        {
          email_address: 'new.buyer@example.com',
          status: 'subscribed',
          lifecycle: 'owner',
          // Not on the list: nothing of it was written, so nothing is said to be left out.
          merge_fields: { FNAME: 'New', ADDRESS: { zip: '78701' } },
        },
        0,
      ),
      item({ email_address: 'tags.only@example.com', lifecycle: 'owner' }, 1),
      item({ email_address: 'nothing@example.com', status: 'subscribed' }, 2),
      // Only a partial address: nothing is sent, and the address is said to be left out.
      item({ email_address: 'zip.only@example.com', merge_fields: { ADDRESS: { zip: '1' } } }, 3),
    ]);
    expect(results).toEqual([
      { ok: true, destinationId: null, skipped: 'notOnList' },
      { ok: true, destinationId: null, skipped: 'notOnList' },
      { ok: true, destinationId: null, skipped: 'nothingToWrite' },
      { ok: true, destinationId: null, skipped: 'nothingToWrite', leftOut: ['partialAddress'] },
    ]);
  });

  it('never writes a status other than unsubscribed, and drops a partial address, saying so', async () => {
    mailchimp()
      .patch(member('pat.kim@example.com'), { merge_fields: { FNAME: 'Pat' } })
      .query({ skip_merge_validation: 'true' })
      .reply(200, fixture('member-put-response'));
    const results = await writeMembers(context({ skipMergeValidation: true }), [
      item({
        email_address: 'pat.kim@example.com',
        status: 'pending',
        merge_fields: { FNAME: 'Pat', ADDRESS: { addr1: '1 Main St', city: 'Austin' } },
      }),
    ]);
    // Written without the address, and the result says what was left out (a run note).
    expect(results).toEqual([
      {
        ok: true,
        destinationId: subscriberHash('pat.kim@example.com'),
        leftOut: ['partialAddress'],
      },
    ]);
  });

  it('reports each member on its own: a 400 problem, a tags 500, and an invalid record', async () => {
    mailchimp().patch(member('jane.doe@example.com')).reply(200, fixture('member-put-response'));
    mailchimp()
      .post(`${member('jane.doe@example.com')}/tags`)
      .times(4)
      .reply(500, { title: 'Internal Server Error', detail: 'try again' }, PROBLEM);
    mailchimp()
      .patch(member('pat.kim@example.com'))
      .reply(400, fixture('problem-invalid-resource'), PROBLEM);
    mailchimp().patch(member('sam.lee@example.com')).reply(200, fixture('member-put-response'));
    const results = await writeMembers(context(), [
      item(jane, 0),
      item(pat, 1),
      item({ email_address: 'not an email', status: 'subscribed' }, 2),
      item(sam, 3),
    ]);
    expect(results).toEqual([
      { ok: false, retryable: true, reason: 'Internal Server Error: try again' },
      {
        ok: false,
        retryable: false,
        field: 'PHONE',
        reason:
          'Invalid Resource: Your merge fields were invalid. (PHONE: Please enter a complete phone number.)',
      },
      {
        ok: false,
        retryable: false,
        field: 'email_address',
        reason: 'email_address is not an email address',
      },
      { ok: true, destinationId: subscriberHash('sam.lee@example.com') },
    ]);
  });

  it('retries a 429 with backoff, then reports a member still refused as retryable', async () => {
    mailchimp()
      .patch(member('sam.lee@example.com'))
      .reply(429, fixture('problem-too-many-requests'), PROBLEM);
    mailchimp().patch(member('sam.lee@example.com')).reply(200, fixture('member-put-response'));
    mailchimp()
      .patch(member('pat.kim@example.com'))
      .times(4)
      .reply(429, fixture('problem-too-many-requests'), PROBLEM);
    const results = await writeMembers(context(), [item(sam, 0), item(pat, 1)]);
    expect(results[0]).toEqual({ ok: true, destinationId: subscriberHash('sam.lee@example.com') });
    expect(results[1]).toEqual({
      ok: false,
      retryable: true,
      reason: expect.stringMatching(/10 simultaneous connections/),
    });
  });

  it('stops the whole write on a wrong or expired API key', async () => {
    mailchimp()
      .patch(member('sam.lee@example.com'))
      .reply(401, fixture('problem-api-key-invalid'), PROBLEM);
    await expect(writeMembers(context(), [item(sam)])).rejects.toThrow(AuthError);
  });
});

describe('connection limit', () => {
  /** Answers member PATCHes slowly and records how many were in flight at once. */
  function slowServer(count: number) {
    const seen = { inFlight: 0, max: 0 };
    mailchimp()
      .patch(/\/members\/[0-9a-f]{32}$/)
      .times(count)
      .reply((_uri, _body, cb) => {
        seen.max = Math.max(seen.max, ++seen.inFlight);
        setTimeout(() => {
          seen.inFlight--;
          cb(null, [200, fixture('member-put-response')]);
        }, 15);
      });
    return seen;
  }
  const people = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) =>
      item({ email_address: `p${i}-${tag}@example.com`, merge_fields: { FNAME: 'P' } }, i),
    );

  it('keeps a connection within maxConnections, even across runs with clients of their own', async () => {
    const seen = slowServer(24);
    const [a, b] = await Promise.all([
      writeMembers(context({ maxConnections: 3 }), people(12, 'a')),
      writeMembers(context({ maxConnections: 3 }), people(12, 'b')),
    ]);
    expect([...a, ...b].every((r) => r.ok)).toBe(true);
    expect(seen.max).toBe(3);
  });

  it('never has more than 10 calls in flight for one account, whatever the connections', async () => {
    const seen = slowServer(60);
    const [a, b] = await Promise.all([
      writeMembers(context({ batchThreshold: 1000 }), people(30, 'c')),
      writeMembers(context({ batchThreshold: 1000, maxConnections: 9 }), people(30, 'd')),
    ]);
    expect([...a, ...b].every((r) => r.ok)).toBe(true);
    expect(seen.max).toBe(10);
  });
});
