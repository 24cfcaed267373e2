import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import googleAds from '../../../connectors/google-ads/index.ts';
import { sha256Hex } from '../../../connectors/google-ads/hashing.ts';
import type { Conversion } from '../../../src/canonical/index.ts';
import { writeConversions } from '../../../src/conversions/write.ts';
import { ConnectorRegistry } from '../../../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR, DirectoryMappingSource } from '../../../src/sync/mapping-source.ts';
import { runSync } from '../../../src/sync/run-sync.ts';
import { openEngineHarness, type EngineHarness } from '../../support/engine.ts';
import { ACTION, ADS_HOST, CREDENTIALS, mockToken, SEARCH_PATH, UPLOAD_PATH } from './support.ts';

type Body = { conversions: Record<string, unknown>[]; partialFailure: boolean };
let h: EngineHarness;

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1'); // Redis
  h = await openEngineHarness(
    {},
    {
      registry: new ConnectorRegistry([googleAds]),
      mappings: new DirectoryMappingSource(DEFAULT_MAPPINGS_DIR),
    },
  );
});
afterEach(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await h.close();
});

const sale = (deal: string, over: Partial<Conversion> = {}): Conversion => ({
  id: `google-ads:${deal}`,
  destination: 'google-ads',
  kind: 'click',
  eventName: 'purchase',
  eventId: deal,
  eventTime: '2026-11-20T12:00:00-06:00',
  orderId: deal,
  valueCents: 5_245_000,
  currency: 'USD',
  clickIdType: 'gclid',
  clickId: `Cj0KCQiA-${deal}`,
  ...over,
});

/** A fake uploadClickConversions that refuses gclids starting with "bad" as Google does. */
function fakeUpload(bodies: Body[]) {
  nock(ADS_HOST)
    .post(UPLOAD_PATH, (b: Body) => (bodies.push(b), true))
    .reply(200, (_uri, b) => {
      const { conversions } = b as Body;
      const bad = conversions.flatMap((c, index) =>
        String(c.gclid ?? '').startsWith('bad') ? [index] : [],
      );
      return {
        results: conversions.map((c, i) =>
          bad.includes(i)
            ? {}
            : { conversionAction: c.conversionAction, conversionDateTime: c.conversionDateTime },
        ),
        ...(bad.length && {
          partialFailureError: {
            code: 3,
            message: 'The imported gclid could not be decoded.',
            details: [
              {
                '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
                errors: bad.map((index) => ({
                  errorCode: { conversionUploadError: 'UNPARSEABLE_GCLID' },
                  message: 'The imported gclid could not be decoded.',
                  location: {
                    fieldPathElements: [
                      { fieldName: 'conversions', index },
                      { fieldName: 'gclid' },
                    ],
                  },
                })),
              },
            ],
          },
        }),
      };
    });
}

describe('Google Ads conversions through the sync engine (real Redis, nock for Google)', () => {
  it('canonical conversions → mapping → sink: delivered, a refused row quarantined, Meta ones skipped, nothing sent twice', async () => {
    const svc = h.engine.service.svc;
    await writeConversions(svc.records, h.tenantId, [
      sale('10482'),
      sale('10483', { clickId: 'bad-gclid' }),
      sale('10484', {
        kind: 'enhanced_lead',
        clickIdType: undefined,
        clickId: undefined,
        user: { email: 'Jane.Doe@gmail.com', phone: '+15125550123', firstName: 'Jane' },
      }),
      {
        id: 'meta:900:contacted',
        destination: 'meta',
        kind: 'crm_stage',
        eventName: 'contacted',
        eventId: '900:contacted',
        eventTime: '2026-11-20T10:00:00-06:00',
        metaLeadId: '900',
      },
    ]);
    const conn = await h.hub.connections.create(h.tenantId, {
      connectorId: 'google-ads',
      name: 'Google Ads',
      settings: { customerId: '123-456-7890', conversionAction: ACTION, requestsPerSecond: 100 },
      credentials: CREDENTIALS,
    });
    const sync = await h.addSync({
      connectionId: conn.id,
      mapping: 'google-ads-conversions',
      mode: 'outbound',
      sink: 'click-conversions',
    });
    mockToken();
    const bodies: Body[] = [];
    fakeUpload(bodies);

    const run = await runSync(svc, h.tenantId, sync.id, 'manual');
    expect(run?.counts).toMatchObject({ written: 2, quarantined: 1, failed: 0, skipped: 1 });
    expect(bodies).toHaveLength(1);
    const byOrder = new Map(bodies[0]!.conversions.map((c) => [c.orderId, c]));
    expect(bodies[0]!.partialFailure).toBe(true);
    expect(byOrder.get('10482')).toEqual({
      conversionAction: ACTION,
      conversionDateTime: '2026-11-20 12:00:00-06:00',
      orderId: '10482',
      gclid: 'Cj0KCQiA-10482',
      conversionValue: 52450,
      currencyCode: 'USD',
    });
    expect(byOrder.get('10484')).toMatchObject({
      userIdentifiers: [
        { userIdentifierSource: 'FIRST_PARTY', hashedEmail: sha256Hex('janedoe@gmail.com') },
        { userIdentifierSource: 'FIRST_PARTY', hashedPhoneNumber: sha256Hex('+15125550123') },
      ],
    });
    expect(byOrder.get('10484')).not.toHaveProperty('gclid');
    const entries = await svc.quarantine.list(h.tenantId, sync.id);
    expect(entries).toMatchObject([
      {
        direction: 'out',
        externalKey: 'google-ads:10483',
        problems: [
          {
            field: 'gclid',
            reason:
              'conversionUploadError UNPARSEABLE_GCLID: The imported gclid could not be decoded.',
          },
        ],
      },
    ]);

    // A second run has nothing new to send: no upload is mocked, and none is made.
    const again = await runSync(svc, h.tenantId, sync.id, 'manual');
    expect(again?.status).toBe('succeeded');
    expect(again?.counts.written).toBe(0);
    expect(bodies).toHaveLength(1);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('Google Ads spend through the sync engine (real Redis, nock for Google)', () => {
  /** A GoogleAdsRow of the spend query. */
  const row = (campaign: string, date: string, costMicros: string) => ({
    campaign: {
      resourceName: `customers/1234567890/campaigns/${campaign}`,
      id: campaign,
      name: `C ${campaign}`,
    },
    metrics: { costMicros, impressions: '10', clicks: '2' },
    segments: { date },
    customer: { resourceName: 'customers/1234567890', currencyCode: 'USD' },
  });

  it('spend and campaign runs note no record as unmatchable: they are of no person', async () => {
    const conn = await h.hub.connections.create(h.tenantId, {
      connectorId: 'google-ads',
      name: 'Google Ads',
      settings: { customerId: '123-456-7890', conversionAction: ACTION, requestsPerSecond: 100 },
      credentials: CREDENTIALS,
    });
    const svc = h.engine.service.svc;
    for (const mapping of ['google-ads-spend', 'google-ads-campaigns']) {
      const sync = await h.addSync({
        connectionId: conn.id,
        mapping,
        mode: 'inbound',
        stream: 'spend',
      });
      mockToken();
      nock(ADS_HOST)
        .post(SEARCH_PATH)
        .reply(200, [
          { results: [row('111', '2026-11-17', '12345678'), row('222', '2026-11-18', '5000')] },
        ]);
      const run = await runSync(svc, h.tenantId, sync.id, 'manual');
      expect(run?.status, mapping).toBe('succeeded');
      expect(run?.counts.read, mapping).toBe(2);
      expect(run?.notes, mapping).toBeUndefined();
    }
  });
});
