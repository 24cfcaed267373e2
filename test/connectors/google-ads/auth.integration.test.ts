import nock from 'nock';
import { describe, expect, it } from 'vitest';

import googleAds from '../../../connectors/google-ads/index.ts';
import { writeConversions } from '../../../connectors/google-ads/click-conversions.ts';
import type { GoogleAdsContext } from '../../../connectors/google-ads/client.ts';
import { AuthError, ParkedError, PermanentError } from '../../../src/sdk/errors.ts';
import { ConnectorRegistry } from '../../../src/sdk/registry.ts';
import { testConnection, type ConnectionRuntime } from '../../../src/sync/connection-runtime.ts';
import { rawValues } from '../../support/hub.ts';
import {
  ADS_HOST,
  clickInput,
  CREDENTIALS,
  fixture,
  FRESH_TOKEN,
  item,
  mockToken,
  okAnswer,
  SEARCH_PATH,
  TENANT,
  TOKEN_HOST,
  UPLOAD_PATH,
  useGoogleAds,
} from './support.ts';

type Body = { conversions: Record<string, unknown>[] };
const STALE = 'ya29.stale-access-token-0000';
const upload = (rt: ConnectionRuntime, n = 1) =>
  rt.call(() =>
    writeConversions(
      rt.ctx as unknown as GoogleAdsContext,
      Array.from({ length: n }, (_, i) => item(clickInput(i), i)),
    ),
  );

/** `times` uploads that Google answers 401 unless sent with FRESH_TOKEN; the authorizations seen. */
function refusingAllButFresh(times: number): string[] {
  const seen: string[] = [];
  nock(ADS_HOST)
    .post(UPLOAD_PATH)
    .times(times)
    .reply(function (_uri, b) {
      const auth = String(this.req.headers.authorization);
      seen.push(auth);
      return auth === `Bearer ${FRESH_TOKEN}`
        ? [200, okAnswer((b as Body).conversions)]
        : [401, fixture('error-401-unauthenticated')];
    });
  return seen;
}

describe('google-ads OAuth 2.0 and limits', () => {
  const h = useGoogleAds();
  const cache = () => h.t.hub.connections.tokenCache(TENANT, h.connectionId);

  it('a 401 renews the token exactly once and sends the call again', async () => {
    await cache().set(STALE, 600_000);
    const refreshes: URLSearchParams[] = [];
    mockToken(refreshes);
    const seen = refusingAllButFresh(2);
    const rt = await h.open();
    expect(await upload(rt)).toEqual([{ ok: true, destinationId: 'D10000' }]);
    expect(seen).toEqual([`Bearer ${STALE}`, `Bearer ${FRESH_TOKEN}`]);
    expect(refreshes).toHaveLength(1);
    expect(await cache().get()).toBe(FRESH_TOKEN);
    expect((await h.t.hub.connections.get(TENANT, h.connectionId)).status).toBe('active');
  });

  it('the renewed token is stored sealed; a runtime opened later reads it back and calls with it', async () => {
    await cache().set(STALE, 600_000);
    const key = h.t.hub.keys.oauthToken(TENANT, h.connectionId);
    const staleSealed = await h.t.hub.redis.get(key);
    mockToken();
    const seen = refusingAllButFresh(3);
    expect(await upload(await h.open())).toEqual([{ ok: true, destinationId: 'D10000' }]);

    // In Redis: the token cache holds a new sealed value; no key of this hub holds the access
    // token or the refresh token (or any other credential) in clear or merely base64-encoded.
    const sealed = await h.t.hub.redis.get(key);
    expect(sealed).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.toBe(staleSealed);
    const raw = await rawValues(h.t.hub.redis, `${h.t.config.REDIS_PREFIX}:*`);
    expect(raw.get(key)).toBe(sealed);
    expect([...raw.keys()]).toContain(h.t.hub.keys.connection(TENANT, h.connectionId));
    const secrets = [FRESH_TOKEN, STALE, ...Object.values(CREDENTIALS)];
    for (const [k, text] of raw)
      for (const s of secrets)
        for (const form of [
          s,
          Buffer.from(s).toString('base64'),
          Buffer.from(s).toString('base64url'),
        ])
          expect(text, `${k} holds a credential`).not.toContain(form);

    // Through the product: the cache opens to the new token, and a runtime opened afterwards (as
    // another worker would) calls with it without asking for another token.
    expect(await cache().get()).toBe(FRESH_TOKEN);
    expect(await upload(await h.open())).toEqual([{ ok: true, destinationId: 'D10000' }]);
    expect(seen).toEqual([`Bearer ${STALE}`, `Bearer ${FRESH_TOKEN}`, `Bearer ${FRESH_TOKEN}`]);

    // Sealed for this connection only: the same value under another connection's key opens to nothing.
    await h.t.hub.redis.set(h.t.hub.keys.oauthToken(TENANT, 'c_other'), sealed!);
    expect(await h.t.hub.connections.tokenCache(TENANT, 'c_other').get()).toBeNull();
  });

  it('calls waiting at once share one refresh', async () => {
    const refreshes: URLSearchParams[] = [];
    mockToken(refreshes);
    nock(ADS_HOST)
      .post(UPLOAD_PATH)
      .times(3)
      .reply(200, (_u, b) => okAnswer((b as Body).conversions));
    const rt = await h.open();
    await Promise.all([upload(rt), upload(rt), upload(rt)]);
    expect(refreshes).toHaveLength(1);
  });

  it('still 401 after the renewal: an auth error, the connection is marked broken', async () => {
    await cache().set(STALE, 600_000);
    mockToken();
    nock(ADS_HOST).post(UPLOAD_PATH).times(2).reply(401, fixture('error-401-unauthenticated'));
    const err = await upload(await h.open()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    const c = await h.t.hub.connections.get(TENANT, h.connectionId);
    expect(c.status).toBe('broken');
    expect(c.statusReason).toMatch(/UNAUTHENTICATED/);
  });

  it('invalid_grant marks the connection broken with a reason a person can act on', async () => {
    nock(TOKEN_HOST).post('/token').reply(400, fixture('token-invalid-grant'));
    const err = await upload(await h.open()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    const c = await h.t.hub.connections.get(TENANT, h.connectionId);
    expect(c.status).toBe('broken');
    expect(c.statusReason).toContain('Google Ads refused the credentials');
    expect(c.statusReason).toContain('invalid_grant (Token has been expired or revoked.)');
    expect(c.statusReason).toContain('replace the connection');
    expect(h.t.logText()).not.toContain('refresh-token-0123456789');
  });

  it('a token answer without access_token is a clear permanent error', async () => {
    nock(TOKEN_HOST).post('/token').reply(200, { token_type: 'Bearer', expires_in: 3599 });
    const err = await upload(await h.open()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/without a usable access_token \(access_token/);
  });

  it('RESOURCE_EXHAUSTED with a short retryDelay: waits what Google asked, then delivers', async () => {
    mockToken();
    const short = fixture<{
      error: { details: { errors: { details: Record<string, { retryDelay: string }> }[] }[] };
    }>('error-429-resource-exhausted');
    short.error.details[0]!.errors[0]!.details.quotaErrorDetails!.retryDelay = '1s';
    nock(ADS_HOST)
      .post(UPLOAD_PATH)
      .reply(429, short)
      .post(UPLOAD_PATH)
      .reply(200, (_u, b) => okAnswer((b as Body).conversions));
    expect(await upload(await h.open())).toEqual([{ ok: true, destinationId: 'D10000' }]);
    const retry = h.t.logs.find((l) => l.msg === 'vendor call failed; retrying');
    expect(retry).toMatchObject({ waitMs: 1000, status: 429 });
    expect(String(retry!.reason)).toContain('quotaError RESOURCE_EXHAUSTED: Too many requests.');
  });

  it('RESOURCE_EXHAUSTED for 40591 s parks the run until then instead of hammering Google', async () => {
    mockToken();
    nock(ADS_HOST).post(UPLOAD_PATH).reply(429, fixture('error-429-resource-exhausted'));
    const before = Date.now();
    const err = await upload(await h.open()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParkedError);
    expect((err as ParkedError).retryAfterMs).toBe(40_591_000);
    expect((err as ParkedError).untilMs).toBeGreaterThanOrEqual(before + 40_591_000);
    expect((await h.t.hub.connections.get(TENANT, h.connectionId)).status).toBe('active');
  });

  it('connection test makes one authenticated GAQL call and learns the account time zone', async () => {
    mockToken();
    let query = '';
    nock(ADS_HOST)
      .post(SEARCH_PATH, (b: { query: string }) => ((query = b.query), true))
      .reply(200, [
        {
          results: [
            {
              customer: {
                resourceName: 'customers/1234567890',
                id: '1234567890',
                timeZone: 'America/New_York',
                currencyCode: 'USD',
              },
            },
          ],
          fieldMask: 'customer.id,customer.timeZone,customer.currencyCode',
          requestId: 'r1',
        },
      ]);
    const registry = new ConnectorRegistry([googleAds]);
    const r = await testConnection({ hub: h.t.hub, registry }, TENANT, h.connectionId);
    expect(r).toEqual({
      ok: true,
      message: 'Google Ads accepted the credentials',
      status: 'active',
    });
    expect(query).toMatch(/^SELECT customer\.id, .* FROM customer LIMIT 1$/);
    const c = await h.t.hub.connections.get(TENANT, h.connectionId);
    expect(c.settings).toMatchObject({ accountTimeZone: 'America/New_York', currencyCode: 'USD' });
  });

  it('new credentials drop the cached access token', async () => {
    await cache().set(STALE, 600_000);
    const creds = await h.t.hub.connections.credentials(TENANT, h.connectionId);
    await h.t.hub.connections.update(TENANT, h.connectionId, {
      credentials: { ...creds, refreshToken: '1//0g-another-refresh-token' },
    });
    expect(await cache().get()).toBeNull();
  });
});
