import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GoogleAdsSandbox } from '../../src/sandbox/google-ads.ts';

const ACCOUNT = {
  customerId: '1234567890',
  managerId: '9876543210',
  developerToken: 'dev-token',
  clientId: 'client.apps.googleusercontent.com',
  clientSecret: 'secret',
  refreshToken: 'refresh',
  conversionActionIds: ['555'],
};
const ACTION = 'customers/1234567890/conversionActions/555';
const CLICK = Date.parse('2026-11-01T15:00:00Z');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('Google Ads sandbox (docs/vendors.md, Google Ads)', () => {
  const g = new GoogleAdsSandbox(ACCOUNT);
  let token = '';

  beforeAll(async () => {
    await g.start();
    g.clicks.set('gclid-known', CLICK);
    g.days.push({
      campaignId: '11',
      campaignName: 'Google, Brand',
      date: '2026-11-02',
      costMicros: '12340000',
    });
    const res = await fetch(`${g.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: ACCOUNT.clientId,
        client_secret: ACCOUNT.clientSecret,
        refresh_token: ACCOUNT.refreshToken,
      }),
    });
    const body = (await res.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    token = body.access_token;
  });
  afterAll(() => g.stop());

  const upload = (body: unknown, headers: Record<string, string> = {}, customer = '1234567890') =>
    fetch(`${g.url}/v22/customers/${customer}:uploadClickConversions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'developer-token': 'dev-token',
        'login-customer-id': '9876543210',
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const row = (over: Record<string, unknown> = {}) => ({
    gclid: 'gclid-known',
    conversionAction: ACTION,
    conversionDateTime: '2026-11-03 12:00:00-06:00',
    conversionValue: 1234.5,
    currencyCode: 'USD',
    orderId: 'D-1',
    ...over,
  });

  it('refuses a wrong refresh token, a missing bearer, developer token or manager header', async () => {
    const bad = await fetch(`${g.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&client_id=${ACCOUNT.clientId}&client_secret=secret&refresh_token=nope`,
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_grant');
    expect(
      (await upload({ partialFailure: true, conversions: [row()] }, { authorization: 'Bearer x' }))
        .status,
    ).toBe(401);
    expect(
      (await upload({ partialFailure: true, conversions: [row()] }, { 'developer-token': '' }))
        .status,
    ).toBe(401);
    expect(
      (await upload({ partialFailure: true, conversions: [row()] }, { 'login-customer-id': '' }))
        .status,
    ).toBe(403);
    expect(
      (await upload({ partialFailure: true, conversions: [row()] }, {}, '123-456-7890')).status,
    ).toBe(400);
  });

  it('refuses a request without partialFailure, with debugEnabled (v22+), or over 2,000 rows', async () => {
    const msg = async (r: Response) =>
      ((await r.json()) as { error: { message: string } }).error.message;
    const noPartial = await upload({ conversions: [row()] });
    expect(noPartial.status).toBe(400);
    expect(await msg(noPartial)).toMatch(/partialFailure/);
    const debug = await upload({ partialFailure: true, debugEnabled: true, conversions: [row()] });
    expect(debug.status).toBe(400);
    expect(await msg(debug)).toMatch(/Unknown name "debugEnabled"/);
    const many = await upload({
      partialFailure: true,
      conversions: Array.from({ length: 2001 }, (_, i) => row({ orderId: `D-${i}` })),
    });
    expect(await msg(many)).toMatch(/fewer than 2001/);
    const form = await upload(
      { partialFailure: true, conversions: [row()] },
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(form.status).toBe(400);
    expect(await msg(form)).toMatch(/Content-Type must be JSON/);
    expect(g.conversions).toHaveLength(0);
    expect(g.received).toHaveLength(0); // refused requests hold no rows
  });

  it('answers rows by partial failure: {} for each refused row, its error at its index', async () => {
    const res = await upload({
      partialFailure: true,
      conversions: [
        row({ orderId: 'D-10' }),
        row({ gclid: 'never-clicked', orderId: 'D-11' }),
        row({ orderId: 'D-12', conversionDateTime: '2026-10-31 12:00:00-06:00' }),
        row({ orderId: 'D-13', conversionDateTime: '2026-11-03 12:00:00' }),
        row({ orderId: 'D-10' }),
        {
          conversionAction: ACTION,
          conversionDateTime: '2026-11-03 12:00:00-06:00',
          orderId: 'D-14',
          userIdentifiers: [
            { hashedEmail: sha('a@b.com'), hashedPhoneNumber: sha('+15125550100') },
          ],
        },
        {
          conversionAction: ACTION,
          conversionDateTime: '2026-11-03 12:00:00-06:00',
          orderId: 'D-15',
          userIdentifiers: [
            { userIdentifierSource: 'FIRST_PARTY', hashedEmail: sha('a@b.com') },
            { hashedPhoneNumber: 'not-hex' },
          ],
        },
        {
          conversionAction: ACTION,
          conversionDateTime: '2026-11-03 12:00:00-06:00',
          orderId: 'D-16',
          userIdentifiers: [
            { userIdentifierSource: 'FIRST_PARTY', hashedEmail: sha('a@b.com') },
            { hashedPhoneNumber: sha('+15125550100') },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      results: Record<string, unknown>[];
      partialFailureError: {
        details: {
          errors: {
            errorCode: Record<string, string>;
            location: { fieldPathElements: { index: number }[] };
          }[];
        }[];
      };
    };
    expect(body.results.map((r) => Object.keys(r).length > 0)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    const errors = body.partialFailureError.details[0]!.errors;
    expect(
      errors.map((e) => [e.location.fieldPathElements[0]!.index, Object.values(e.errorCode)[0]]),
    ).toEqual([
      [1, 'UNPARSEABLE_GCLID'],
      [2, 'CONVERSION_PRECEDES_EVENT'],
      [3, 'INVALID_FIELD_VALUES_IN_DATE_TIME'],
      [4, 'DUPLICATE_ORDER_ID'],
      [5, 'INVALID_VALUE'],
      [6, 'INVALID_VALUE'],
    ]);
    expect(g.conversions.map((c) => [c.orderId, c.enhanced])).toEqual([
      ['D-10', false],
      ['D-16', true],
    ]);
    const again = (await (
      await upload({ partialFailure: true, conversions: [row({ orderId: 'D-10' })] })
    ).json()) as typeof body;
    expect(again.partialFailureError.details[0]!.errors[0]!.errorCode).toEqual({
      conversionUploadError: 'ORDER_ID_ALREADY_IN_USE',
    });
  });

  it('streams campaign cost by day as an array of batches, int64 as strings, and refuses other queries', async () => {
    const q = (query: string) =>
      fetch(`${g.url}/v22/customers/1234567890/googleAds:searchStream`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'developer-token': 'dev-token',
          'login-customer-id': '9876543210',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ query }),
      });
    const ok = await q(
      "SELECT campaign.id, campaign.name, segments.date, metrics.cost_micros FROM campaign WHERE segments.date BETWEEN '2026-11-01' AND '2026-11-30'",
    );
    const batches = (await ok.json()) as { results: unknown[]; fieldMask: string }[];
    expect(batches[0]!.fieldMask).toBe(
      'campaign.id,campaign.name,segments.date,metrics.costMicros',
    );
    expect(batches[0]!.results).toEqual([
      {
        campaign: {
          resourceName: 'customers/1234567890/campaigns/11',
          id: '11',
          name: 'Google, Brand',
        },
        metrics: { costMicros: '12340000' },
        segments: { date: '2026-11-02' },
      },
    ]);
    expect((await q('SELECT metrics.clicks FROM ad_group')).status).toBe(400);
  });
});
