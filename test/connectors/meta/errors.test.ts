import { readFileSync } from 'node:fs';

import nock from 'nock';
import { describe, expect, it } from 'vitest';

import meta from '../../../connectors/meta/index.ts';
import { readLeads } from '../../../connectors/meta/leads.ts';
import { classifierOf } from '../../../src/sdk/error-table.ts';
import { AuthError, PermanentError, RetryableError } from '../../../src/sdk/errors.ts';
import { asEngine, contextOf, useNock } from './support.ts';

const FORM = '1187339126064512';
const fx = (name: string) =>
  JSON.parse(readFileSync(`connectors/meta/fixtures/${name}.json`, 'utf8')) as unknown;
const ctx = () =>
  contextOf(meta, { formIds: [FORM] }, { accessToken: 'EAAG-page-token-0123456789' });
const cursor = JSON.stringify({
  since: '2025-11-19T00:00:00Z',
  run: { forms: [{ id: FORM }], form: 0, newest: '2025-11-19T00:00:00Z' },
});
const leads = () => nock('https://graph.facebook.com').get(`/v25.0/${FORM}/leads`).query(true);

useNock();

describe('meta error classification through the engine retry', () => {
  it.each([
    ['user limit #17', 'error-user-limit'],
    ['ad account limit #613', 'error-ad-account-limit'],
    ['business use case limit #80005', 'error-buc-throttle'],
  ])('retries a %s answered as HTTP 400, then reads the page', async (_what, body) => {
    leads().reply(400, fx(body) as object);
    leads().reply(200, fx('form-leads-page2') as object);
    const waits: number[] = [];
    const page = await asEngine(meta, () => readLeads(ctx(), cursor), waits);
    expect(page.records).toHaveLength(1);
    expect(waits).toHaveLength(1);
  });

  it('waits as long as X-Business-Use-Case-Usage announces', async () => {
    const usage = {
      '104853122299871': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 3 }],
    };
    leads().reply(400, fx('error-buc-throttle') as object, {
      'x-business-use-case-usage': JSON.stringify(usage),
    });
    leads().reply(200, fx('empty-page') as object);
    const waits: number[] = [];
    await asEngine(meta, () => readLeads(ctx(), cursor), waits);
    expect(waits).toEqual([180_000]);
  });

  it('honours an HTTP 429 with Retry-After', async () => {
    leads().reply(429, 'Too Many Requests', { 'retry-after': '7' });
    leads().reply(200, fx('empty-page') as object);
    const waits: number[] = [];
    await asEngine(meta, () => readLeads(ctx(), cursor), waits);
    expect(waits).toEqual([7000]);
  });

  it('stops at once on an expired token (#190): an auth error, no retry', async () => {
    const scope = leads()
      .times(2)
      .reply(400, fx('error-expired-token') as object);
    const err = await asEngine(meta, () => readLeads(ctx(), cursor)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toMatch(
      /190\/463 \(OAuthException\): Error validating access token/,
    );
    expect(scope.pendingMocks()).toHaveLength(1); // called once, never retried
  });

  it('treats an invalid parameter (#100) as permanent and a 5xx as retryable', async () => {
    leads().reply(400, fx('error-invalid-param') as object);
    await expect(asEngine(meta, () => readLeads(ctx(), cursor))).rejects.toBeInstanceOf(
      PermanentError,
    );
    leads().reply(503, 'upstream down');
    leads().reply(200, fx('empty-page') as object);
    await expect(asEngine(meta, () => readLeads(ctx(), cursor))).resolves.toMatchObject({
      records: [],
    });
  });
});

const classifyMetaError = classifierOf(meta.errors!);

describe('the declared Graph error table', () => {
  it.each([
    [{ code: 4, message: 'Application request limit reached' }, RetryableError],
    [{ code: 32, message: 'Page request limit reached' }, RetryableError],
    [{ code: 80014, message: 'catalog batch' }, RetryableError],
    [{ code: 2, message: 'Service temporarily unavailable' }, RetryableError],
    [{ code: 1000, message: 'odd', is_transient: true }, RetryableError],
    [{ code: 10, message: 'Application does not have permission' }, AuthError],
    [{ code: 200, message: 'Permissions error' }, AuthError],
    [{ code: 100, message: 'Invalid parameter' }, PermanentError],
  ])('%o → %o', async (error, kind) => {
    nock('https://graph.facebook.com').get('/v25.0/x').query(true).reply(400, { error });
    const raw = await ctx()
      .http.get('/x')
      .catch((e: unknown) => e);
    expect(classifyMetaError(raw)).toBeInstanceOf(kind);
  });

  it('reads the announced wait from the usage headers, the longest of them', async () => {
    const throttled = async (headers: Record<string, string>) => {
      nock('https://graph.facebook.com')
        .get('/v25.0/x')
        .query(true)
        .reply(400, { error: { code: 613, message: 'ad account limit' } }, headers);
      return classifyMetaError(
        await ctx()
          .http.get('/x')
          .catch((e: unknown) => e),
      );
    };
    const account = { 'x-ad-account-usage': '{"acc_id_util_pct":100,"reset_time_duration":42}' };
    expect(await throttled(account)).toMatchObject({ retryAfterMs: 42_000 });
    expect(await throttled({ ...account, 'retry-after': '60' })).toMatchObject({
      retryAfterMs: 60_000,
    });
    expect(await throttled({ 'x-business-use-case-usage': 'not json' })).toMatchObject({
      retryAfterMs: null,
    });
  });
});
