import { readFileSync } from 'node:fs';
import type { ParsedUrlQuery } from 'node:querystring';

import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { appSecretProof } from '../../../connectors/meta/client.ts';
import meta from '../../../connectors/meta/index.ts';
import { readLeads, readLeadsByIds } from '../../../connectors/meta/leads.ts';
import { PermanentError } from '../../../src/sdk/errors.ts';
import { contextOf, useNock } from './support.ts';

const GRAPH = 'https://graph.facebook.com';
const TOKEN = 'EAAG-page-token-0123456789';
const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const PAGE = '104853122299871';
const FORM = '1187339126064512';
const fx = (name: string) =>
  JSON.parse(readFileSync(`connectors/meta/fixtures/${name}.json`, 'utf8')) as Record<
    string,
    unknown
  >;
const ctx = (settings: Record<string, unknown> = {}) =>
  contextOf(meta, { pageId: PAGE, ...settings }, { accessToken: TOKEN, appSecret: SECRET });
const graph = () => nock(GRAPH);
type Query = Record<string, string>;
/** A nock query matcher over plain string values (Graph parameters are never repeated). */
const q = (match: (query: Query) => boolean) => (parsed: ParsedUrlQuery) => match(parsed as Query);

useNock({ allPending: true });

/** Reads pages until the stream says it is done; returns every page. */
async function readAll(c: ReturnType<typeof ctx>, cursor: string | null) {
  const pages = [];
  for (let i = 0; i < 20; i++) {
    const page = await readLeads(c, cursor);
    pages.push(page);
    expect(page.nextCursor).not.toBe(cursor);
    cursor = page.nextCursor;
    if (!page.hasMore) return pages;
  }
  throw new Error('the stream never finished');
}

describe('meta leads stream', () => {
  it('pulls every active form page by page, with form and campaign context and a time cursor', async () => {
    const since = '2025-11-19T00:00:00.000Z';
    const queries: Query[] = [];
    const record = (query: Query) => (queries.push(query), true);
    graph()
      .get(`/v25.0/${PAGE}/leadgen_forms`)
      .query(q(record))
      .reply(200, fx('leadgen-forms'))
      .get(`/v25.0/${FORM}/leads`)
      .query(q((query) => record(query) && !query.after))
      .reply(200, fx('form-leads-page1'))
      .get(`/v25.0/${FORM}/leads`)
      .query(q((query) => record(query) && query.after === 'QVFIUjNtVUxhbGxfcGFnZTI'))
      .reply(200, fx('form-leads-page2'))
      .get('/v25.0/993271845512077/leads')
      .query(q(record))
      .reply(200, fx('empty-page'));

    const pages = await readAll(ctx(), JSON.stringify({ since }));

    expect(pages.map((p) => p.records.length)).toEqual([2, 1, 0]);
    expect(pages.map((p) => p.hasMore)).toEqual([true, true, false]);
    // Archived forms take no new leads: an incremental pull skips them.
    expect(queries.every((q) => q.access_token === TOKEN)).toBe(true);
    expect(queries.every((q) => q.appsecret_proof === appSecretProof(TOKEN, SECRET))).toBe(true);
    const leadQuery = queries[1]!;
    expect(leadQuery.fields!.split(',')).toEqual(
      expect.arrayContaining([
        'id',
        'created_time',
        'field_data',
        'campaign_name',
        'adset_name',
        'ad_name',
      ]),
    );
    expect(JSON.parse(leadQuery.filtering!)).toEqual([
      { field: 'time_created', operator: 'GREATER_THAN', value: Date.parse(since) / 1000 - 300 },
    ]);
    expect(pages[0]!.records[0]).toEqual({
      id: '1327461758824197',
      created_time: '2025-11-20T10:05:04+00:00',
      ad_id: '120215834455660512',
      ad_name: 'Civic Carousel - Test Drive',
      adset_id: '120215834455660498',
      adset_name: 'Austin 25mi - Auto Intenders',
      campaign_id: '120215834455660471',
      campaign_name: 'Q4 Civic Test Drive',
      form_id: FORM,
      form_name: 'Test Drive - Civic 2026',
      page_id: PAGE,
      is_organic: false,
      platform: 'fb',
      field_data: expect.arrayContaining([{ name: 'email', values: [' Jane.Doe@Example.COM '] }]),
    });
    // The final cursor is the newest created_time read; the run state is gone.
    expect(JSON.parse(pages[2]!.nextCursor!)).toEqual({ since: '2025-11-20T10:05:04.000Z' });
  });

  it('backfills from backfillDays ago, archived forms included, when there is no cursor', async () => {
    let filtering = '';
    graph()
      .get(`/v25.0/${PAGE}/leadgen_forms`)
      .query(true)
      .reply(200, fx('leadgen-forms'))
      .get(/\/v25\.0\/\d+\/leads/)
      .times(3)
      .query(q((query) => ((filtering = query.filtering!), true)))
      .reply(200, fx('empty-page'));
    const before = Date.now();
    const pages = await readAll(ctx({ backfillDays: 7 }), null);
    expect(pages).toHaveLength(3);
    const value = (JSON.parse(filtering) as { value: number }[])[0]!.value * 1000;
    expect(value).toBeGreaterThan(before - 7 * 86_400_000 - 301_000);
    expect(value).toBeLessThan(Date.now() - 7 * 86_400_000);
  });

  it('filters leads by time locally too, and skips the server-side filter when told', async () => {
    graph()
      .get(`/v25.0/${FORM}/leads`)
      .query(q((query) => query.filtering === undefined))
      .reply(200, { data: fx('form-leads-page1').data as unknown[], paging: {} });
    const c = ctx({ formIds: [FORM], serverSideFilter: false, overlapSeconds: 0 });
    graph()
      .get(`/v25.0/${FORM}`)
      .query({ fields: 'id,name,status', access_token: TOKEN, appsecret_proof: /.+/ })
      .reply(200, fx('form'));
    // Only the 10:05 lead is newer than 10:00; the 09:41 one was read before.
    const page = await readLeads(c, JSON.stringify({ since: '2025-11-20T10:00:00Z' }));
    expect(page.records.map((r) => r.id)).toEqual(['1327461758824197']);
    expect(page.hasMore).toBe(false);
  });

  it('asks each distinct ad for its ad set and campaign in ad-lookup mode; a vanished ad only loses its context', async () => {
    const page = fx('form-leads-page1');
    const bare = (page.data as Record<string, unknown>[]).map(
      ({ ad_name: _a, adset_id: _b, adset_name: _c, campaign_id: _d, campaign_name: _e, ...l }) =>
        l,
    );
    bare[1]!.ad_id = '120215834455660999';
    graph()
      .get(`/v25.0/${FORM}`)
      .query(true)
      .reply(200, fx('form'))
      .get(`/v25.0/${FORM}/leads`)
      .query(q((query) => !query.fields!.includes('campaign_name')))
      .reply(200, { data: bare })
      .get('/v25.0/120215834455660512')
      .query({
        fields: 'id,name,adset{id,name},campaign{id,name}',
        access_token: TOKEN,
        appsecret_proof: /.+/,
      })
      .reply(200, fx('ad-context'))
      .get('/v25.0/120215834455660999')
      .query(true)
      .reply(400, fx('error-invalid-param'));
    const out = await readLeads(
      ctx({ formIds: [FORM], campaignContext: 'ad-lookup' }),
      JSON.stringify({ since: '2025-11-01T00:00:00Z' }),
    );
    expect(out.records[0]).toMatchObject({
      ad_name: 'Civic Carousel - Test Drive',
      adset_name: 'Austin 25mi - Auto Intenders',
      campaign_id: '120215834455660471',
      campaign_name: 'Q4 Civic Test Drive',
      form_name: 'Test Drive - Civic 2026',
    });
    expect(out.records[1]).not.toHaveProperty('campaign_name');
    expect(out.records[1]).toMatchObject({ id: '1327461758824001', form_id: FORM });
  });

  it('reads leads by leadgen id with their form name', async () => {
    graph()
      .get('/v25.0/1327461758824197')
      .query(q((query) => query.fields!.startsWith('id,created_time,ad_id,form_id,field_data')))
      .reply(200, fx('lead'))
      .get(`/v25.0/${FORM}`)
      .query(true)
      .reply(200, fx('form'));
    const [lead] = await readLeadsByIds(ctx(), ['1327461758824197']);
    expect(lead).toMatchObject({
      id: '1327461758824197',
      created_time: '2025-11-20T10:05:04+00:00',
      form_name: 'Test Drive - Civic 2026',
      campaign_name: 'Q4 Civic Test Drive',
    });
    expect(meta.streams!.leads).toHaveProperty('readByIds');
  });

  it('uses the configured host and API version', async () => {
    nock('http://graph.sandbox.test')
      .get(`/v99.0/${PAGE}/leadgen_forms`)
      .query(true)
      .reply(200, { data: [] });
    const page = await readLeads(
      ctx({ graphHost: 'http://graph.sandbox.test', apiVersion: 'v99.0' }),
      JSON.stringify({ since: '2025-11-01T00:00:00Z' }),
    );
    expect(page).toEqual({
      records: [],
      nextCursor: JSON.stringify({ since: '2025-11-01T00:00:00Z' }),
      hasMore: false,
    });
  });
});

describe('meta leads stream: bad input', () => {
  it('refuses malformed answers as permanent, naming the field', async () => {
    graph().get(`/v25.0/${FORM}`).query(true).reply(200, fx('form'));
    graph()
      .get(`/v25.0/${FORM}/leads`)
      .query(true)
      .reply(200, { data: [{ created_time: 'x' }] });
    const err = await readLeads(ctx({ formIds: [FORM] }), null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/data\.0\.id/);
  });

  it('refuses a broken cursor and a connection without pageId or formIds', async () => {
    await expect(readLeads(ctx(), '{"since":')).rejects.toThrow(/stored cursor is not JSON/);
    const bad = await readLeads(ctx(), '{"since":"yesterday"}').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PermanentError);
    // The engine-side codec names the field of the stored cursor that is wrong.
    expect(bad).toMatchObject({ field: 'since', message: expect.stringMatching(/field "since"/) });
    await expect(readLeads(ctx(), 'last tuesday')).rejects.toThrow(/stored cursor is not JSON/);
    await expect(readLeads(ctx({ pageId: undefined }), null)).rejects.toThrow(/set pageId/);
  });
});
