import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';

import hubspotConnector from '../../../connectors/hubspot/index.ts';
import { DAILY_LIMIT_RETRY_MS } from '../../../connectors/hubspot/limits.ts';
import { classifierOf } from '../../../src/sdk/error-table.ts';
import {
  AuthError,
  PermanentError,
  RetryableError,
  UnreadableAnswerError,
} from '../../../src/sdk/errors.ts';
import { context, fixture, hubspot, useNock } from './support.ts';

const SEARCH = '/crm/v3/objects/contacts/search';
const contacts = hubspotConnector.streams!.contacts!;
/** The connector's declared error table, as the engine applies it. */
const classifyHubSpotError = classifierOf(hubspotConnector.errors!);

/** Reads contacts once and returns the classified failure. */
async function failure(): Promise<Error> {
  try {
    await contacts.read(context(), null);
  } catch (err) {
    return classifyHubSpotError(err);
  }
  throw new Error('the read did not fail');
}

useNock();

describe('HubSpot errors, classified at the edge', () => {
  it('429 TEN_SECONDLY_ROLLING waits the window its headers name', async () => {
    hubspot().post(SEARCH).reply(429, fixture('error-429-ten-secondly'), {
      'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
      'X-HubSpot-RateLimit-Max': '190',
      'X-HubSpot-RateLimit-Remaining': '0',
    });
    const err = await failure();
    expect(err).toBeInstanceOf(RetryableError);
    expect(err).toMatchObject({ retryAfterMs: 10_000, status: 429 });
    expect(err.message).toMatch(
      /RATE_LIMIT: You have reached your ten_secondly_rolling limit.*TEN_SECONDLY_ROLLING/,
    );
  });

  it('a Retry-After header wins over the policy default', async () => {
    hubspot().post(SEARCH).reply(429, fixture('error-429-ten-secondly'), { 'Retry-After': '3' });
    expect(await failure()).toMatchObject({ retryAfterMs: 3_000 });
  });

  it('a search 429 without headers (search answers carry none) waits a second', async () => {
    hubspot()
      .post(SEARCH)
      .reply(429, { ...fixture('error-429-ten-secondly'), policyName: 'SECONDLY' });
    expect(await failure()).toMatchObject({ retryAfterMs: 1_000 });
  });

  it('429 DAILY waits long enough that the job is retried later, not in this run', async () => {
    hubspot().post(SEARCH).reply(429, fixture('error-429-daily'));
    const err = await failure();
    expect(err).toBeInstanceOf(RetryableError);
    expect(err).toMatchObject({ retryAfterMs: DAILY_LIMIT_RETRY_MS });
  });

  it.each([
    [
      'error-401-expired',
      401,
      /EXPIRED_AUTHENTICATION: The OAuth token used to make this call expired/,
    ],
    ['error-401-invalid', 401, /INVALID_AUTHENTICATION: Authentication credentials not found/],
    ['error-403-scopes', 403, /MISSING_SCOPES/],
  ])('%s stops the connection (auth)', async (name, status, message) => {
    hubspot().post(SEARCH).reply(status, fixture(name));
    const err = await failure();
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ status });
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('pat-na1');
  });

  it('423 Locked waits two seconds; 477 migration waits its Retry-After; 5xx retries', async () => {
    hubspot().post(SEARCH).reply(423, { status: 'error', message: 'Locked', category: 'LOCKED' });
    expect(await failure()).toMatchObject({ retryAfterMs: 2_000, status: 423 });
    hubspot()
      .post(SEARCH)
      .reply(477, { status: 'error', message: 'Migration in progress' }, { 'Retry-After': '120' });
    expect(await failure()).toMatchObject({ retryAfterMs: 120_000, status: 477 });
    hubspot().post(SEARCH).reply(502, '<html>Bad gateway</html>');
    expect(await failure()).toBeInstanceOf(RetryableError);
  });

  it('a 400 on a search is permanent, with HubSpot’s message', async () => {
    hubspot().post(SEARCH).reply(400, {
      status: 'error',
      message: 'There was a problem with the request.',
      category: 'VALIDATION_ERROR',
    });
    const err = await failure();
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/400/);
  });

  it('a malformed search body fails the read as permanent, naming the field', async () => {
    hubspot().post(SEARCH).reply(200, fixture('search-malformed'));
    await expect(contacts.read(context(), null)).rejects.toThrow(PermanentError);
    hubspot().post(SEARCH).reply(200, fixture('search-malformed'));
    await expect(contacts.read(context(), null)).rejects.toThrow(/contacts\/search: results /);
    hubspot().post(SEARCH).reply(200, '<html>maintenance</html>', { 'content-type': 'text/html' });
    await expect(contacts.read(context(), null)).rejects.toThrow(/contacts\/search: \(body\) /);
  });

  it('a malformed batch answer fails the write as retryable (what was written is unknown)', async () => {
    hubspot().post('/crm/v3/objects/contacts/batch/upsert').reply(200, { results: 'none' });
    const write = hubspotConnector.sinks!.contacts!.write(context(), [
      {
        canonicalId: 'lead_1',
        destinationId: null,
        idempotencyKey: 'k',
        record: { properties: { email: 'a@example.com' } },
      },
    ]);
    await expect(write).rejects.toThrow(UnreadableAnswerError);
  });
});

/** The cheapest authenticated read, as `connection test` starts with. */
const ping = (ctx: ReturnType<typeof context>) =>
  ctx.http.get('/crm/v3/objects/contacts', { params: { limit: 1, properties: 'hs_object_id' } });

describe('rate limit headers', () => {
  it('waits out the window when X-HubSpot-RateLimit-Remaining reaches 0', async () => {
    // On a fake clock: the second call must not reach HubSpot before the 300 ms window has passed
    // (counted in nock's log of consumed answers, not measured in wall time).
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      const ctx = context();
      const api = hubspot()
        .get('/crm/v3/objects/contacts')
        .query(true)
        .reply(
          200,
          { results: [] },
          {
            'X-HubSpot-RateLimit-Remaining': '0',
            'X-HubSpot-RateLimit-Interval-Milliseconds': '300',
          },
        )
        .get('/crm/v3/objects/contacts')
        .query(true)
        .reply(200, { results: [] });
      await ping(ctx);
      expect(api.pendingMocks()).toHaveLength(1);
      const second = ping(ctx);
      await vi.advanceTimersByTimeAsync(299);
      expect(api.pendingMocks()).toHaveLength(1); // still waiting inside the window
      await vi.advanceTimersByTimeAsync(1);
      await second;
      expect(api.isDone()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses calls once the daily budget is spent, without asking HubSpot', async () => {
    const ctx = context();
    const api = hubspot()
      .get('/crm/v3/objects/contacts')
      .query({ limit: '1', properties: 'hs_object_id' })
      .reply(200, { results: [] }, { 'X-HubSpot-RateLimit-Daily-Remaining': '0' });
    await ping(ctx);
    expect(api.isDone()).toBe(true);
    const err = await ping(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect(classifyHubSpotError(err)).toMatchObject({ retryAfterMs: DAILY_LIMIT_RETRY_MS });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
