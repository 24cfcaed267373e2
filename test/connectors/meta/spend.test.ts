import { readFileSync } from 'node:fs';
import type { ParsedUrlQuery } from 'node:querystring';

import nock from 'nock';
import { describe, expect, it } from 'vitest';

import meta from '../../../connectors/meta/index.ts';
import { readSpend } from '../../../connectors/meta/spend.ts';
import { PermanentError } from '../../../src/sdk/errors.ts';
import { contextOf, shippedMapping, useNock } from './support.ts';

const fx = (name: string) =>
  JSON.parse(readFileSync(`connectors/meta/fixtures/${name}.json`, 'utf8')) as Record<
    string,
    unknown
  >;
const ctx = (settings: Record<string, unknown> = {}) =>
  contextOf(
    meta,
    { adAccountId: '1029384756', accountTimeZone: 'America/Chicago', ...settings },
    { accessToken: 'EAAG-system-user-token-0123' },
  );
// 2025-11-20 03:00 UTC is still 2025-11-19 in Chicago: "today" is the account's day.
const NOW = Date.parse('2025-11-20T03:00:00Z');
type Query = Record<string, string>;
/** A nock query matcher over plain string values (Graph parameters are never repeated). */
const q = (match: (query: Query) => boolean) => (parsed: ParsedUrlQuery) => match(parsed as Query);

useNock({ allPending: true });

describe('meta spend stream', () => {
  it('reads daily campaign insights over the lookback window, page by page', async () => {
    const queries: Query[] = [];
    nock('https://graph.facebook.com')
      .get('/v25.0/act_1029384756/insights')
      .query(q((query) => (queries.push(query), !query.after)))
      .reply(200, fx('insights-page1'))
      .get('/v25.0/act_1029384756/insights')
      .query(q((query) => (queries.push(query), query.after === 'MQZDZD')))
      .reply(200, fx('insights-page2'));

    const first = await readSpend(ctx({ spendLookbackDays: 3 }), null, NOW);
    expect(first.records).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    const second = await readSpend(ctx(), first.nextCursor, NOW);
    expect(second).toMatchObject({ hasMore: false, nextCursor: '{"until":"2025-11-19"}' });
    expect(second.records[0]).toMatchObject({ campaign_id: '120215834455660602', spend: '0' });

    expect(queries[0]).toMatchObject({
      level: 'campaign',
      time_increment: '1',
      time_range: JSON.stringify({ since: '2025-11-17', until: '2025-11-19' }),
    });
    expect(queries[0]!.fields!.split(',')).toEqual(
      expect.arrayContaining(['campaign_id', 'spend', 'date_start', 'account_currency']),
    );
    expect(queries[1]!.time_range).toBe(queries[0]!.time_range);
  });

  it('re-reads the last restated days on the next run', async () => {
    let range = '';
    nock('https://graph.facebook.com')
      .get('/v25.0/act_1029384756/insights')
      .query(q((query) => ((range = query.time_range!), true)))
      .reply(200, { data: [] });
    const page = await readSpend(
      ctx({ adAccountId: 'act_1029384756', spendRestateDays: 3 }),
      '{"until":"2025-11-18"}',
      Date.parse('2025-11-21T18:00:00Z'),
    );
    expect(JSON.parse(range)).toEqual({ since: '2025-11-15', until: '2025-11-21' });
    expect(page.nextCursor).toBe('{"until":"2025-11-21"}');
  });

  it('needs an ad account, a time zone and a readable cursor', async () => {
    await expect(readSpend(ctx({ adAccountId: undefined }), null)).rejects.toThrow(/adAccountId/);
    await expect(readSpend(ctx({ accountTimeZone: 'Mars/Olympus' }), null)).rejects.toThrow(
      /not a time zone/,
    );
    await expect(readSpend(ctx(), '{"until":"soon"}')).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('mappings/meta-spend.yaml', () => {
  it('maps an insights row to a canonical spend keyed by campaign and day', async () => {
    const m = await shippedMapping('meta-spend');
    const row = (fx('insights-page1').data as Record<string, unknown>[])[1]!;
    expect(m.recordKey(row)).toBe('120215834455660471:2025-11-19');
    expect(m.in(row)).toEqual({
      value: {
        campaignId: '120215834455660471',
        channel: 'meta',
        adAccountId: '1029384756',
        date: '2025-11-19',
        amount: 20410,
        currency: 'USD',
        impressions: 27009,
        clicks: 355,
      },
      errors: [],
      quarantined: false,
    });
    expect(m.in({ ...row, spend: 'n/a' }).quarantined).toBe(true);
    // The account as Graph names it, with or without `act_`: part of the spend row's identity.
    expect(m.in({ ...row, account_id: ' act_1029384756' }).value.adAccountId).toBe('1029384756');
  });
});
