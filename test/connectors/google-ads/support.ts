import { readFileSync } from 'node:fs';

import nock from 'nock';
import { afterEach, beforeEach, expect } from 'vitest';

import googleAds from '../../../connectors/google-ads/index.ts';
import type { SinkItem, SystemRecord } from '../../../src/sdk/connector.ts';
import { ConnectorRegistry } from '../../../src/sdk/registry.ts';
import type { RetryPolicy } from '../../../src/sdk/retry.ts';
import { openConnection, type ConnectionRuntime } from '../../../src/sync/connection-runtime.ts';
import { openTestHub, type TestHub } from '../../support/hub.ts';

export const ADS_HOST = 'https://googleads.googleapis.com';
export const TOKEN_HOST = 'https://oauth2.googleapis.com';
export const CUSTOMER = '1234567890';
export const ACTION = `customers/${CUSTOMER}/conversionActions/987654321`;
export const UPLOAD_PATH = `/v26/customers/${CUSTOMER}:uploadClickConversions`;
export const SEARCH_PATH = `/v26/customers/${CUSTOMER}/googleAds:searchStream`;
export const TENANT = 'store-a';
export const CREDENTIALS = {
  clientId: '1234-abcdef.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-client-secret-0123',
  refreshToken: '1//0g-refresh-token-0123456789',
  developerToken: 'dev-token-ABCDEFGH0123',
};
export const FRESH_TOKEN = 'ya29.a0AfB_fresh-access-token-0001';

/** Retries without long waits; vendor waits up to 5 s are honoured in the run, longer ones park. */
export const TEST_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 1,
  maxDelayMs: 5,
  maxRetryAfterMs: 5_000,
};

/** A fixture of connectors/google-ads/fixtures. */
export const fixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(`connectors/google-ads/fixtures/${name}.json`, 'utf8')) as T;

/** A test hub with one Google Ads connection, opened and closed around each test. */
export interface AdsHarness {
  t: TestHub;
  connectionId: string;
  /** The connection's runtime as the engine opens it (OAuth, limits, classification). */
  open(retry?: RetryPolicy): Promise<ConnectionRuntime>;
}

/** Registers hooks that open a hub and a Google Ads connection with `settings` for each test. */
export function useGoogleAds(settings: Record<string, unknown> = {}): AdsHarness {
  const h = {} as AdsHarness;
  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1'); // Redis
    h.t = await openTestHub();
    const c = await h.t.hub.connections.create(TENANT, {
      connectorId: 'google-ads',
      name: 'Google Ads',
      settings: {
        customerId: '123-456-7890',
        conversionAction: ACTION,
        requestsPerSecond: 100,
        ...settings,
      },
      credentials: CREDENTIALS,
    });
    h.connectionId = c.id;
    const registry = new ConnectorRegistry([googleAds]);
    h.open = (retry = TEST_RETRY) =>
      openConnection(h.t.hub, registry, TENANT, h.connectionId, { retry });
  });
  afterEach(async () => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    await h.t.cleanup();
    expect(pending, 'every mocked request was made').toEqual([]);
  });
  return h;
}

/** Mocks `times` token refreshes, recording each form body. */
export function mockToken(bodies: URLSearchParams[] = [], token = FRESH_TOKEN, times = 1) {
  return nock(TOKEN_HOST)
    .post('/token', (b: unknown) => {
      bodies.push(new URLSearchParams(typeof b === 'string' ? b : (b as Record<string, string>)));
      return true;
    })
    .times(times)
    .reply(200, { ...fixture('token'), access_token: token });
}

/** A sink item for a sink input record. */
export const item = (record: SystemRecord, i = 0): SinkItem => ({
  canonicalId: `conv-${i}`,
  destinationId: null,
  idempotencyKey: `key-${i}`,
  record,
});

/** A click conversion input (what mappings/google-ads-conversions.yaml writes). */
export const clickInput = (i: number, over: SystemRecord = {}): SystemRecord => ({
  orderId: `D${10000 + i}`,
  kind: 'click',
  clickIdType: 'gclid',
  clickId: `Cj0KCQiA-click-${i}`,
  conversionDateTime: '2026-11-20T12:00:00-06:00',
  valueCents: 4_512_345,
  currency: 'USD',
  ...over,
});

/** The success answer of an upload of `conversions`: one result per conversion. */
export const okAnswer = (conversions: Record<string, unknown>[]) => ({
  results: conversions.map((c) => ({
    gclid: c.gclid,
    conversionAction: c.conversionAction,
    conversionDateTime: c.conversionDateTime,
  })),
  jobId: '2147483900',
});
