import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';

import { createHubSpotClient } from '../../../connectors/hubspot/client.ts';
import type { HubSpotContext } from '../../../connectors/hubspot/search.ts';
import { HubSpotSettings } from '../../../connectors/hubspot/settings.ts';

/** The API host the tests mock (each connection may override HubSpot's). */
export const HOST = 'https://hubspot.test';
/** The private app token the tests send. */
export const TOKEN = 'pat-na1-00000000-test-token';

const FIXTURES = join(import.meta.dirname, '../../../connectors/hubspot/fixtures');

/** A fixture of connectors/hubspot/fixtures, parsed. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as T;
}

/** A connector context on the mocked host, with settings parsed like a connection's. */
export function context(settings: Record<string, unknown> = {}): HubSpotContext {
  const s = HubSpotSettings.parse({ apiHost: HOST, indexLagMs: 0, ...settings });
  const credentials = { accessToken: TOKEN };
  return {
    tenantId: 'store-a',
    connectionId: 'conn-1',
    settings: s,
    credentials,
    http: createHubSpotClient(s, credentials),
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
  };
}

/** The mocked HubSpot API, with the Bearer token checked on every call. */
export function hubspot() {
  return nock(HOST, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
}

/**
 * The account's owners on `scope`: the active list, then the archived one (deactivated users,
 * whose records still name them), from the fixtures. A client reads both once; `optional` when
 * a test may not get that far.
 */
export function withOwnerLists(scope: nock.Scope, opts: { optional?: boolean } = {}): nock.Scope {
  const list = (query: Record<string, string | number | boolean>, name: string) =>
    scope
      .get('/crm/v3/owners')
      .query(query)
      .optionally(opts.optional ?? false)
      .reply(200, fixture(name));
  list({ limit: 500 }, 'owners');
  return list({ limit: 500, archived: true }, 'owners-archived');
}

/** A stream cursor, decoded for assertions. */
export function decode(cursor: string | null): Record<string, unknown> | null {
  return cursor === null ? null : (JSON.parse(cursor) as Record<string, unknown>);
}

/** Lets no request reach the network in this file's tests; mocks are dropped after each. */
export function useNock(): void {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}

/** The `filterGroups` of a search from `value` (epoch ms) on the last-modified property. */
export function windowFilter(propertyName: string, operator: 'GTE' | 'GT', value: number) {
  return { filterGroups: [{ filters: [{ propertyName, operator, value: String(value) }] }] };
}

/** The deal fixture 9001 at a stage, modified at `at`. */
export function deal(stage: string, at: string, won = false) {
  const [d] = fixture<{ results: { properties: Record<string, unknown> }[] }>(
    'deals-search',
  ).results;
  return {
    ...d,
    properties: {
      ...d!.properties,
      dealstage: stage,
      hs_is_closed_won: String(won),
      hs_lastmodifieddate: at,
    },
    updatedAt: at,
  };
}

/**
 * One deals page: the search, the deal's contact association and its contact 51 (Jane Doe), and
 * the account's owners (optional: a client reads them once, so a second page of the same run
 * leaves its owners answer unused).
 */
export function mockDealsPage(
  dealBody: unknown,
  onSearch: (b: Record<string, unknown>) => void = () => {},
) {
  withOwnerLists(hubspot(), { optional: true });
  hubspot()
    .post('/crm/v3/objects/deals/search', (b: Record<string, unknown>) => (onSearch(b), true))
    .reply(200, { total: 1, results: [dealBody] })
    .post('/crm/v4/associations/deals/contacts/batch/read')
    .reply(200, {
      results: [{ from: { id: '9001' }, to: [{ toObjectId: 51 }] }],
    })
    .post('/crm/v3/objects/contacts/batch/read')
    .reply(200, { results: [fixture<{ results: unknown[] }>('contacts-batch-read').results[0]] });
}
