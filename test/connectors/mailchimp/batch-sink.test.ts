import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { subscriberHash } from '../../../connectors/mailchimp/hash.ts';
import { writeMembers } from '../../../connectors/mailchimp/members-sink.ts';
import type { SinkItem } from '../../../src/sdk/connector.ts';
import { RetryableError } from '../../../src/sdk/errors.ts';
import { context, fixture, fixtureBytes, LIST, mailchimp, PROBLEM, useNock } from './support.ts';

useNock();

const S3 = 'https://mailchimp-api-batch.s3.amazonaws.com';
const items: SinkItem[] = [
  {
    email_address: 'jane.doe@example.com',
    status: 'subscribed',
    lifecycle: 'owner',
    merge_fields: { FNAME: 'Jane' },
  },
  { email_address: 'bad.phone@example.com', merge_fields: { PHONE: '555' } },
  // A partial address (no street, city or state): left out of the PATCH, and said so.
  {
    email_address: 'pat.kim@example.com',
    merge_fields: { FNAME: 'Pat', ADDRESS: { zip: '78701' } },
  },
  { email_address: 'lost@example.com', merge_fields: { FNAME: 'Lou' } },
].map((record, i) => ({
  canonicalId: `cus_${i}`,
  destinationId: null,
  idempotencyKey: `k${i}`,
  record,
}));
const path = (email: string) => `/lists/${LIST}/members/${subscriberHash(email)}`;

interface Submitted {
  operations: { method: string; path: string; body: string; operation_id: string }[];
}

describe('members sink, batch operations', () => {
  it('submits, polls to completion, reads per-operation results from the tar.gz, then tags', async () => {
    let submitted: Submitted | null = null;
    mailchimp()
      .post('/3.0/batches', (body: Submitted) => ((submitted = body), true))
      .reply(200, fixture('batch-pending'));
    mailchimp().get('/3.0/batches/b3f1c9d2e8').reply(200, fixture('batch-started'));
    mailchimp()
      .get('/3.0/batches/b3f1c9d2e8')
      .reply(200, { ...fixture('batch-finished-errors'), total_operations: 4 });
    // The results link is pre-signed storage: the Mailchimp key must not be sent there.
    nock(S3, { badheaders: ['authorization'] })
      .get('/b3f1c9d2e8-response.tar.gz')
      .query(true)
      .reply(200, fixtureBytes('batch-results.tar.gz'), { 'content-type': 'application/x-gzip' });
    let tagged: Submitted | null = null;
    mailchimp()
      .post('/3.0/batches', (body: Submitted) => ((tagged = body), true))
      .reply(200, fixture('batch-finished-ok'));

    const results = await writeMembers(context({ batchThreshold: 4 }), items);

    expect(submitted!.operations).toHaveLength(4);
    expect(submitted!.operations[2]?.body).toBe(JSON.stringify({ merge_fields: { FNAME: 'Pat' } }));
    expect(submitted!.operations[0]).toEqual({
      // An update of an existing member, never an upsert; no status (never a re-subscribe).
      method: 'PATCH',
      path: path('jane.doe@example.com'),
      body: JSON.stringify({ merge_fields: { FNAME: 'Jane' } }),
      operation_id: 'member-0',
    });
    // Tags go in a second batch, only for members whose update succeeded.
    expect(tagged!.operations).toEqual([
      {
        method: 'POST',
        path: `${path('jane.doe@example.com')}/tags`,
        body: JSON.stringify({
          tags: [
            { name: 'owner', status: 'active' },
            { name: 'prospect', status: 'inactive' },
          ],
        }),
        operation_id: 'tags-0',
      },
    ]);
    expect(results).toEqual([
      { ok: true, destinationId: subscriberHash('jane.doe@example.com') },
      {
        ok: false,
        retryable: false,
        field: 'PHONE',
        reason:
          'Invalid Resource: Your merge fields were invalid. (PHONE: Please enter a complete phone number.)',
      },
      {
        ok: true,
        destinationId: subscriberHash('pat.kim@example.com'),
        leftOut: ['partialAddress'],
      },
      // Not in the results archive: unknown outcome, so tried again.
      { ok: false, retryable: true, reason: 'batch b3f1c9d2e8 has no result for member-3' },
    ]);
  });

  it('splits operations into batches of operationsPerBatch', async () => {
    const sizes: number[] = [];
    mailchimp()
      .post('/3.0/batches', (body: Submitted) => (sizes.push(body.operations.length), true))
      .times(2)
      .reply(200, { ...fixture('batch-finished-ok'), total_operations: 2 });
    mailchimp()
      .post('/3.0/batches', (body: Submitted) => (sizes.push(body.operations.length), true))
      .reply(200, fixture('batch-finished-ok'));
    const results = await writeMembers(
      context({ batchThreshold: 2, operationsPerBatch: 2 }),
      items,
    );
    // 4 PATCHes in two batches of 2, then one batch with the one tags change.
    expect(sizes).toEqual([2, 2, 1]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('skips a member the audience does not have (404 in the results): never created, no tags', async () => {
    mailchimp()
      .post('/3.0/batches', (body: Submitted) =>
        body.operations.every((op) => op.method === 'PATCH'),
      )
      .reply(200, {
        ...fixture('batch-finished-errors'),
        id: 'c4d2e7a9f1',
        total_operations: 2,
        response_body_url: `${S3}/c4d2e7a9f1-response.tar.gz?Signature=x`,
      });
    nock(S3)
      .get('/c4d2e7a9f1-response.tar.gz')
      .query(true)
      .reply(200, fixtureBytes('batch-results-not-on-list.tar.gz'));
    const results = await writeMembers(context({ batchThreshold: 2 }), [
      { ...items[0]!, record: { email_address: 'jane.doe@example.com', status: 'unsubscribed' } },
      {
        ...items[1]!,
        record: {
          email_address: 'new.buyer@example.com',
          lifecycle: 'owner',
          merge_fields: { FNAME: 'N' },
        },
      },
    ]);
    // No second batch: the one member with tags is not on the list.
    expect(results).toEqual([
      { ok: true, destinationId: subscriberHash('jane.doe@example.com') },
      { ok: true, destinationId: null, skipped: 'notOnList' },
    ]);
  });

  it('fails the write as retryable when Mailchimp keeps refusing the submission (429)', async () => {
    mailchimp()
      .post('/3.0/batches')
      .times(4)
      .reply(429, fixture('problem-too-many-requests'), PROBLEM);
    await expect(writeMembers(context({ batchThreshold: 1 }), items)).rejects.toThrow(
      RetryableError,
    );
  });

  it('hands "too many pending batches" to the engine with a one-minute wait', async () => {
    mailchimp().post('/3.0/batches').reply(400, fixture('problem-pending-batches'), PROBLEM);
    const err = await writeMembers(context({ batchThreshold: 1 }), items).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).retryAfterMs).toBe(60_000);
  });

  it('gives up polling after batchTimeoutMs; the engine redoes the write later', async () => {
    mailchimp().post('/3.0/batches').reply(200, fixture('batch-pending'));
    mailchimp().get('/3.0/batches/b3f1c9d2e8').times(50).reply(200, fixture('batch-started'));
    await expect(
      writeMembers(context({ batchThreshold: 1, batchPollMs: 100, batchTimeoutMs: 1_000 }), items),
    ).rejects.toThrow(/still started/);
    nock.cleanAll(); // the poll count depends on timing
  });

  it('treats an unreadable results archive as retryable', async () => {
    mailchimp().post('/3.0/batches').reply(200, fixture('batch-finished-errors'));
    nock(S3).get('/b3f1c9d2e8-response.tar.gz').query(true).reply(200, 'not gzip');
    await expect(writeMembers(context({ batchThreshold: 1 }), items)).rejects.toThrow(
      /batch results unreadable/,
    );
  });
});
