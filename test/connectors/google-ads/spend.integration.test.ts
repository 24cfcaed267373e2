import nock from 'nock';
import { describe, expect, it } from 'vitest';

import type { GoogleAdsContext } from '../../../connectors/google-ads/client.ts';
import { readSpend } from '../../../connectors/google-ads/spend.ts';
import { compileMapping, loadMappingFile } from '../../../src/mapping/index.ts';
import { PermanentError } from '../../../src/sdk/errors.ts';
import type { ConnectionRuntime } from '../../../src/sync/connection-runtime.ts';
import { ADS_HOST, fixture, mockToken, SEARCH_PATH, useGoogleAds } from './support.ts';

// 2026-11-20 03:00 UTC is still 2026-11-19 in Chicago: "today" is the account's day.
const NOW = Date.parse('2026-11-20T03:00:00Z');
const read = (rt: ConnectionRuntime, cursor: string | null) =>
  rt.call(() => readSpend(rt.ctx as unknown as GoogleAdsContext, cursor, NOW));

async function shipped(name: string) {
  const loaded = await loadMappingFile(`mappings/${name}.yaml`);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.format()).join('\n'));
  return compileMapping(loaded.doc);
}

/** A GoogleAdsRow of the spend query. */
const row = (campaign: string, date: string, costMicros?: string) => ({
  campaign: {
    resourceName: `customers/1234567890/campaigns/${campaign}`,
    id: campaign,
    name: `C ${campaign}`,
  },
  metrics:
    costMicros === undefined
      ? { impressions: '10' }
      : { costMicros, impressions: '10', clicks: '2' },
  segments: { date },
  customer: { resourceName: 'customers/1234567890', currencyCode: 'USD' },
});

/** Mocks searchStream calls, recording each GAQL query. */
function mockSearch(queries: string[], ...answers: object[]) {
  const scope = nock(ADS_HOST);
  for (const a of answers)
    scope.post(SEARCH_PATH, (b: { query: string }) => (queries.push(b.query), true)).reply(200, a);
}

describe('google-ads spend stream', () => {
  const h = useGoogleAds({ spendLookbackDays: 3, accountTimeZone: 'America/Chicago' });

  it('reads every batch of a searchStream answer and maps cost micros to exact cents', async () => {
    mockToken();
    const queries: string[] = [];
    mockSearch(queries, [
      {
        results: [row('111', '2026-11-17', '12345678'), row('222', '2026-11-17', '5000')],
        requestId: 'a',
      },
      { results: [row('111', '2026-11-18', '4999'), row('222', '2026-11-18')], requestId: 'b' },
      { results: [row('111', '2026-11-19', '999999999999995000')], fieldMask: 'x', requestId: 'c' },
      { requestId: 'd', queryResourceConsumption: '12' },
    ]);
    const page = await read(await h.open(), null);
    expect(queries).toEqual([
      "SELECT campaign.id, campaign.name, segments.date, metrics.cost_micros, metrics.impressions, metrics.clicks, customer.currency_code FROM campaign WHERE segments.date BETWEEN '2026-11-17' AND '2026-11-19'",
    ]);
    expect(page).toMatchObject({ hasMore: false, nextCursor: '{"until":"2026-11-19"}' });
    const spend = await shipped('google-ads-spend');
    const mapped = page.records.map((r) => spend.in(r));
    expect(mapped.map((m) => m.errors)).toEqual([[], [], [], [], []]);
    expect(mapped.map((m) => [m.value.campaignId, m.value.date, m.value.amount])).toEqual([
      ['111', '2026-11-17', 1235], // 12.345678 → 12.35 (half away from zero)
      ['222', '2026-11-17', 1], // 0.005 → 0.01
      ['111', '2026-11-18', 0], // 0.004999 → 0.00
      ['222', '2026-11-18', 0], // no costMicros: proto3 JSON leaves zero out
      ['111', '2026-11-19', 100_000_000_000_000], // 999,999,999,999.995 exactly, no float
    ]);
    expect(mapped[0]!.value).toMatchObject({
      channel: 'google',
      adAccountId: '1234567890',
      currency: 'USD',
      impressions: 10,
      clicks: 2,
    });
    expect(spend.recordKey(page.records[0])).toBe('111:2026-11-17');
    const campaigns = await shipped('google-ads-campaigns');
    expect(campaigns.in(page.records[1]).value).toEqual({
      campaignId: '222',
      channel: 'google',
      name: 'C 222',
      currency: 'USD',
    });
  });

  it('re-reads the last restated days on the next run', async () => {
    mockToken();
    const queries: string[] = [];
    mockSearch(queries, [{ results: [] }]);
    const page = await read(await h.open(), '{"until":"2026-11-18"}');
    expect(queries[0]).toContain("BETWEEN '2026-11-15' AND '2026-11-19'");
    expect(page.nextCursor).toBe('{"until":"2026-11-19"}');
  });

  it('malformed answers are permanent errors naming the field', async () => {
    mockToken();
    const queries: string[] = [];
    mockSearch(
      queries,
      { results: [row('111', '2026-11-17', '1')] },
      [{ results: [{ ...row('111', '2026-11-17', '1'), campaign: { name: 'no id' } }] }],
      [{ results: [row('111', '2026-11-17', '12.5')] }],
    );
    const rt = await h.open();
    for (const field of ['(body)', '0.results.0.campaign.id', '0.results.0.metrics.costMicros']) {
      const err = await read(rt, null).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentError);
      expect((err as PermanentError).field).toBe(field);
    }
  });

  it('a 429 RESOURCE_EXHAUSTED on searchStream is classified at the edge', async () => {
    mockToken();
    nock(ADS_HOST).post(SEARCH_PATH).reply(429, fixture('error-429-resource-exhausted'));
    const err = await read(await h.open(), null).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ParkedError');
  });
});

describe('google-ads spend stream over a long backfill', () => {
  const h = useGoogleAds({ spendLookbackDays: 70, spendWindowDays: 31 });

  it('reads one window of days per page, contiguous, until today', async () => {
    mockToken();
    const queries: string[] = [];
    mockSearch(queries, [{ results: [] }], [{ results: [] }], [{ results: [] }]);
    const rt = await h.open();
    let cursor: string | null = null;
    const more: boolean[] = [];
    do {
      const page = await read(rt, cursor);
      more.push(page.hasMore);
      cursor = page.nextCursor;
    } while (more.at(-1));
    expect(more).toEqual([true, true, false]);
    expect(queries.map((q) => /BETWEEN '(.*)' AND '(.*)'/.exec(q)!.slice(1))).toEqual([
      ['2026-09-11', '2026-10-11'],
      ['2026-10-12', '2026-11-11'],
      ['2026-11-12', '2026-11-19'],
    ]);
    expect(cursor).toBe('{"until":"2026-11-19"}');
  });
});
