import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { baseUrlOf, createMailchimpClient } from '../../../connectors/mailchimp/client.ts';
import { mapLimit, Semaphore } from '../../../connectors/mailchimp/concurrency.ts';
import { classifyStatus, problemOf } from '../../../connectors/mailchimp/errors.ts';
import mailchimpConnector from '../../../connectors/mailchimp/index.ts';
import { MailchimpCredentials, MailchimpSettings } from '../../../connectors/mailchimp/settings.ts';
import { classifierOf } from '../../../src/sdk/error-table.ts';
import { AuthError, PermanentError, RetryableError } from '../../../src/sdk/errors.ts';
import { API_KEY, context, fixture, LIST, mailchimp, useNock } from './support.ts';

useNock();

const settings = (s: Record<string, unknown> = {}) =>
  MailchimpSettings.parse({ listId: LIST, ...s });

describe('client', () => {
  it('takes the data center from the key, or from the settings, or uses the override', () => {
    expect(baseUrlOf(settings(), { apiKey: 'abc-us21' })).toBe(
      'https://us21.api.mailchimp.com/3.0',
    );
    expect(baseUrlOf(settings({ dataCenter: 'us6' }), { accessToken: 't' })).toBe(
      'https://us6.api.mailchimp.com/3.0',
    );
    expect(
      baseUrlOf(settings({ baseUrl: 'http://127.0.0.1:9/mc/3.0/' }), { apiKey: 'a-us1' }),
    ).toBe('http://127.0.0.1:9/mc/3.0');
    expect(() => baseUrlOf(settings(), { accessToken: 't' })).toThrow(PermanentError);
  });

  it('never lets a key choose another host', () => {
    expect(MailchimpCredentials.safeParse({ apiKey: 'x-evil.example/' }).success).toBe(false);
    expect(() => baseUrlOf(settings(), { apiKey: 'x-evil.example' })).toThrow(PermanentError);
    expect(MailchimpCredentials.safeParse({ apiKey: API_KEY, accessToken: 't' }).success).toBe(
      false,
    );
  });

  it('sends Bearer with an OAuth token', async () => {
    nock('https://us6.api.mailchimp.com', { reqheaders: { authorization: 'Bearer tok-1' } })
      .get('/3.0/ping')
      .reply(200, { health_status: "Everything's Chimpy!" });
    const http = createMailchimpClient(settings({ dataCenter: 'us6' }), { accessToken: 'tok-1' });
    expect((await http.get('/ping')).status).toBe(200);
  });

  it('checks the connection by reading the audience', async () => {
    const scope = mailchimp()
      .get(`/3.0/lists/${LIST}`)
      .query({ fields: 'id,name' })
      .reply(200, { id: LIST, name: 'Acme Ford customers' });
    await mailchimpConnector.check!(context());
    expect(scope.isDone()).toBe(true);
  });

  it('declares the connection limit as the engine-visible concurrency', () => {
    const limits = mailchimpConnector.limits as (s: MailchimpSettings) => { concurrency?: number };
    expect(limits(settings()).concurrency).toBe(10);
    expect(limits(settings({ maxConnections: 4 })).concurrency).toBe(4);
    expect(MailchimpSettings.safeParse({ listId: LIST, maxConnections: 11 }).success).toBe(false);
  });
});

describe('error classification', () => {
  it('reads problem+json bodies, as objects or text', () => {
    const p = fixture('problem-invalid-resource');
    expect(problemOf(p)).toEqual(p);
    expect(problemOf(JSON.stringify(p))).toEqual(p);
    expect(problemOf('<html>blocked</html>')).toBeNull();
    expect(problemOf('')).toBeNull();
  });

  it('sorts statuses into auth, retryable and permanent', () => {
    const key = problemOf(fixture('problem-api-key-invalid'));
    expect(classifyStatus(401, key)).toBeInstanceOf(AuthError);
    expect(
      classifyStatus(403, { title: 'User Disabled', detail: 'This account is disabled.' }),
    ).toBeInstanceOf(AuthError);
    // A bare 403 without a problem document is the edge throttling, not the credentials.
    expect(classifyStatus(403, null)).toBeInstanceOf(RetryableError);
    expect(classifyStatus(429, problemOf(fixture('problem-too-many-requests')))).toBeInstanceOf(
      RetryableError,
    );
    expect(classifyStatus(503, null)).toBeInstanceOf(RetryableError);
    const invalid = classifyStatus(400, problemOf(fixture('problem-invalid-resource')));
    expect(invalid).toBeInstanceOf(PermanentError);
    expect((invalid as PermanentError).field).toBe('PHONE');
    expect(classifyStatus(404, problemOf(fixture('problem-resource-not-found')))).toBeInstanceOf(
      PermanentError,
    );
    const pending = classifyStatus(400, problemOf(fixture('problem-pending-batches')));
    expect(pending).toBeInstanceOf(RetryableError);
    expect((pending as RetryableError).retryAfterMs).toBe(60_000);
  });

  it('classifies network failures like the SDK does', () => {
    const classify = classifierOf(mailchimpConnector.errors!);
    const timeout = Object.assign(new Error('timeout'), { code: 'ECONNABORTED' });
    expect(classify(timeout)).toBeInstanceOf(RetryableError);
  });
});

describe('concurrency helpers', () => {
  it('a semaphore holds at most its limit and lets an aborted waiter go', async () => {
    const s = new Semaphore(2);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = [s.run(() => gate), s.run(() => gate)];
    expect(s.inUse).toBe(2);
    const abort = new AbortController();
    const waiting = s.run(async () => 'never', abort.signal);
    abort.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    release();
    await Promise.all(held);
    expect(s.inUse).toBe(0);
    expect(await s.run(async () => 'next')).toBe('next');
  });

  it('mapLimit keeps order, and on a failure starts nothing new and waits for running calls', async () => {
    expect(await mapLimit([3, 1, 2], 2, async (n) => n * 10)).toEqual([30, 10, 20]);
    const started: number[] = [];
    let finished = 0;
    const run = mapLimit([0, 1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setTimeout(r, n === 0 ? 1 : 20));
      if (n === 0) throw new Error('boom');
      finished++;
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });
});
