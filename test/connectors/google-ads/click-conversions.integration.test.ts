import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { MAX_CONVERSIONS_PER_REQUEST } from '../../../connectors/google-ads/constants.ts';
import { writeConversions } from '../../../connectors/google-ads/click-conversions.ts';
import { sha256Hex } from '../../../connectors/google-ads/hashing.ts';
import type { GoogleAdsContext } from '../../../connectors/google-ads/client.ts';
import { PermanentError, UnreadableAnswerError } from '../../../src/sdk/errors.ts';
import type { ConnectionRuntime } from '../../../src/sync/connection-runtime.ts';
import {
  ACTION,
  ADS_HOST,
  clickInput,
  CREDENTIALS,
  fixture,
  FRESH_TOKEN,
  item,
  mockToken,
  okAnswer,
  TEST_RETRY,
  UPLOAD_PATH,
  useGoogleAds,
} from './support.ts';

type Body = { conversions: Record<string, unknown>[]; partialFailure: boolean };
const write = (rt: ConnectionRuntime, records: Record<string, unknown>[]) =>
  rt.call(() =>
    writeConversions(
      rt.ctx as unknown as GoogleAdsContext,
      records.map((r, i) => item(r, i)),
    ),
  );

describe('google-ads click-conversions sink', () => {
  const h = useGoogleAds();

  it('uploads click conversions with the exact wire format, then reuses the cached token', async () => {
    const tokenBodies: URLSearchParams[] = [];
    mockToken(tokenBodies);
    const bodies: Body[] = [];
    const headers: Record<string, unknown>[] = [];
    nock(ADS_HOST)
      .post(UPLOAD_PATH, (b: Body) => (bodies.push(b), true))
      .times(2)
      .reply(function (_uri, b) {
        headers.push(this.req.headers);
        return [200, okAnswer((b as Body).conversions)];
      });
    const rt = await h.open();
    const first = await write(rt, [clickInput(1), clickInput(2, { valueCents: 100 })]);
    expect(first).toEqual([
      { ok: true, destinationId: 'D10001' },
      { ok: true, destinationId: 'D10002' },
    ]);
    expect(bodies[0]).toEqual({
      partialFailure: true,
      conversions: [
        {
          conversionAction: ACTION,
          conversionDateTime: '2026-11-20 12:00:00-06:00',
          orderId: 'D10001',
          gclid: 'Cj0KCQiA-click-1',
          conversionValue: 45123.45,
          currencyCode: 'USD',
        },
        {
          conversionAction: ACTION,
          conversionDateTime: '2026-11-20 12:00:00-06:00',
          orderId: 'D10002',
          gclid: 'Cj0KCQiA-click-2',
          conversionValue: 1,
          currencyCode: 'USD',
        },
      ],
    });
    expect(headers[0]).toMatchObject({
      authorization: `Bearer ${FRESH_TOKEN}`,
      'developer-token': CREDENTIALS.developerToken,
      'content-type': 'application/json',
    });
    expect(headers[0]).not.toHaveProperty('login-customer-id');
    expect(Object.fromEntries(tokenBodies[0]!)).toEqual({
      grant_type: 'refresh_token',
      client_id: CREDENTIALS.clientId,
      client_secret: CREDENTIALS.clientSecret,
      refresh_token: CREDENTIALS.refreshToken,
    });

    // The token is kept sealed in Redis (never in clear) and the next call goes without a refresh.
    const raw = await h.t.hub.redis.get(h.t.hub.keys.oauthToken('store-a', h.connectionId));
    expect(raw).toMatch(/^v1:/);
    expect(raw).not.toContain(FRESH_TOKEN);
    const ttl = await h.t.hub.redis.pttl(h.t.hub.keys.oauthToken('store-a', h.connectionId));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual((3599 - 60) * 1000);
    const second = await write(await h.open(), [clickInput(3, { clickIdType: 'wbraid' })]);
    expect(second).toEqual([{ ok: true, destinationId: 'D10003' }]);
    expect(bodies[1]!.conversions[0]).toMatchObject({ wbraid: 'Cj0KCQiA-click-3' });
    expect(bodies[1]!.conversions[0]).not.toHaveProperty('gclid');
    expect(tokenBodies).toHaveLength(1);
  });

  it('partial failure: two bad rows among good ones fail with Google code and message, the rest are delivered', async () => {
    mockToken();
    nock(ADS_HOST).post(UPLOAD_PATH).reply(200, fixture('upload-partial-failure'));
    const rt = await h.open();
    const results = await write(
      rt,
      [1, 2, 3, 4, 5].map((i) => clickInput(i)),
    );
    expect(results).toEqual([
      { ok: true, destinationId: 'D10001' },
      {
        ok: false,
        retryable: false,
        reason: 'conversionUploadError UNPARSEABLE_GCLID: The imported gclid could not be decoded.',
        field: 'gclid',
      },
      { ok: true, destinationId: 'D10003' },
      {
        ok: false,
        retryable: false,
        reason: expect.stringMatching(
          /^conversionUploadError EXPIRED_EVENT: The imported event can't/,
        ),
      },
      { ok: true, destinationId: 'D10005' },
    ]);
  });

  it('a conversion Google already has (ORDER_ID_ALREADY_IN_USE) counts as delivered', async () => {
    mockToken();
    nock(ADS_HOST).post(UPLOAD_PATH).reply(200, fixture('upload-already-uploaded'));
    const results = await write(await h.open(), [clickInput(1), clickInput(2)]);
    expect(results).toEqual([
      { ok: true, destinationId: 'D10001' },
      { ok: true, destinationId: 'D10002' },
    ]);
  });

  it(`sends at most ${MAX_CONVERSIONS_PER_REQUEST} conversions a request: 5,000 go in 3 requests`, async () => {
    mockToken();
    const sizes: number[] = [];
    const orderIds = new Set<string>();
    nock(ADS_HOST)
      .post(UPLOAD_PATH)
      .times(3)
      .reply(200, (_uri, b) => {
        const { conversions } = b as Body;
        sizes.push(conversions.length);
        for (const c of conversions) orderIds.add(String(c.orderId));
        return okAnswer(conversions);
      });
    const records = Array.from({ length: 5000 }, (_, i) => clickInput(i));
    const results = await write(await h.open(), records);
    expect(sizes).toEqual([2000, 2000, 1000]);
    expect(orderIds.size).toBe(5000);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results[4999]).toEqual({ ok: true, destinationId: 'D14999' });
  });

  it('enhanced conversions for leads: hashed, normalized email and phone, no click id', async () => {
    mockToken();
    let body: Body | undefined;
    nock(ADS_HOST)
      .post(UPLOAD_PATH, (b: Body) => ((body = b), true))
      .reply(200, { results: [{ conversionAction: ACTION }] });
    const lead = {
      orderId: 'D20001',
      kind: 'enhanced_lead',
      conversionDateTime: '2026-11-20T12:00:00.250Z',
      valueCents: 2_500_000,
      user: { email: '  Jane.Doe@GMail.com ', phone: '+1 800 555 0102', firstName: 'Jane' },
    };
    expect(await write(await h.open(), [lead])).toEqual([{ ok: true, destinationId: 'D20001' }]);
    expect(body!.conversions[0]).toEqual({
      conversionAction: ACTION,
      conversionDateTime: '2026-11-20 12:00:00+00:00',
      orderId: 'D20001',
      conversionValue: 25000,
      userIdentifiers: [
        { userIdentifierSource: 'FIRST_PARTY', hashedEmail: sha256Hex('janedoe@gmail.com') },
        { userIdentifierSource: 'FIRST_PARTY', hashedPhoneNumber: sha256Hex('+18005550102') },
      ],
    });
  });

  it('bad records fail alone with their field and are not sent; the good one goes', async () => {
    mockToken();
    let body: Body | undefined;
    nock(ADS_HOST)
      .post(UPLOAD_PATH, (b: Body) => ((body = b), true))
      .reply(200, (_u, b) => okAnswer((b as Body).conversions));
    const results = await write(await h.open(), [
      clickInput(1, { orderId: undefined }),
      clickInput(2, { conversionDateTime: '2026-11-20 12:00' }),
      { orderId: 'D3', conversionDateTime: '2026-11-20T12:00:00-06:00' },
      { ...clickInput(4, { clickId: undefined, clickIdType: undefined }), user: { phone: '555' } },
      clickInput(5),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.field))).toEqual([
      'orderId',
      'conversionDateTime',
      'clickId',
      'user.phone',
      'ok',
    ]);
    expect(body!.conversions.map((c) => c.orderId)).toEqual(['D10005']);
  });

  it('malformed answers are unreadable (retried, then the caller dead-letters), never guessed', async () => {
    mockToken();
    nock(ADS_HOST)
      .post(UPLOAD_PATH)
      .times(TEST_RETRY.attempts)
      .reply(200, { results: 'nope' })
      .post(UPLOAD_PATH)
      .times(TEST_RETRY.attempts)
      .reply(200, { results: [{}] })
      .post(UPLOAD_PATH)
      .reply(400, '<html>Bad Request</html>', { 'content-type': 'text/html' });
    const rt = await h.open();
    const two = [clickInput(1), clickInput(2)];
    const garbled = await write(rt, two).catch((e: unknown) => e);
    expect(garbled).toBeInstanceOf(UnreadableAnswerError);
    expect((garbled as Error).message).toMatch(/uploadClickConversions: results .*array/);
    await expect(write(rt, two)).rejects.toThrow(/answered 1 results for 2 conversions/);
    const err = await write(rt, two).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).status).toBe(400);
  });

  it('refuses to upload without a conversionAction setting, naming it', async () => {
    await h.t.hub.connections.update('store-a', h.connectionId, {
      settings: { customerId: '1234567890' },
    });
    await expect(write(await h.open(), [clickInput(1)])).rejects.toThrow(/conversionAction/);
  });
});

describe('google-ads through a manager account', () => {
  const h = useGoogleAds({ loginCustomerId: '987-654-3210' });

  it('sends login-customer-id without dashes', async () => {
    mockToken();
    let headers: Record<string, unknown> = {};
    nock(ADS_HOST)
      .post(UPLOAD_PATH)
      .reply(function (_uri, b) {
        headers = this.req.headers;
        return [200, okAnswer((b as Body).conversions)];
      });
    await write(await h.open(), [clickInput(1)]);
    expect(headers['login-customer-id']).toBe('9876543210');
  });
});
