import type { ConnectorContext } from '../../src/sdk/connector.ts';
import { pagedReader, type Pagination } from '../../src/sdk/paging.ts';
import { advance, dedupe, windowOf, type SearchCursor } from './cursor.ts';
import { SEARCH_RESULT_CAP } from './limits.ts';
import type { HubSpotCredentials, HubSpotSettings } from './settings.ts';
import { SearchBody, type CrmObject } from './wire.ts';

/**
 * How HubSpot pages (CRM API v3): the next page's token is `paging.next.after`, sent back as
 * `after`: in the body of a search, as a query parameter of a list (docs/vendors.md (HubSpot)).
 */
export const HUBSPOT_PAGING = {
  search: { kind: 'cursor', token: { body: 'paging.next.after' }, send: { body: 'after' } },
  query: { kind: 'cursor', token: { body: 'paging.next.after' }, send: { query: 'after' } },
} as const satisfies Record<string, Pagination>;

const searchPages = pagedReader({
  paging: HUBSPOT_PAGING.search,
  records: 'results',
  schema: SearchBody,
});

/** The connector context of a HubSpot call. */
export type HubSpotContext = ConnectorContext<HubSpotSettings, HubSpotCredentials>;

/** What an incremental search reads: an object type, its modification property, the properties. */
export interface SearchSpec {
  /** `contacts`, `deals`, `calls`, ... as in `/crm/v3/objects/{objectType}/search`. */
  objectType: string;
  /**
   * Last-modified property: `lastmodifieddate` for contacts, `hs_lastmodifieddate` for deals and
   * engagements (docs/vendors.md (HubSpot), developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm; the Search guide filters tasks on `hs_lastmodifieddate`).
   */
  modifiedProperty: string;
  properties: readonly string[];
}

/** A search page: the objects not emitted before and where the next page starts. */
export interface SearchResult {
  objects: CrmObject[];
  cursor: SearchCursor;
  hasMore: boolean;
}

/** Modification time of an object (epoch ms); HubSpot sends ISO text (or epoch ms for some). */
export function modifiedAt(o: CrmObject, property: string): number {
  for (const v of [o.properties[property], o.updatedAt]) {
    if (typeof v !== 'string' || v === '') continue;
    const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  return 0;
}

/** HubSpot's id property, the tie-breaker: every CRM object has it (Search the CRM, default properties). */
export const OBJECT_ID_PROPERTY = 'hs_object_id';

/**
 * The search body of the cursor's next query (the `after` of its page is added by the paging) (see `SearchCursor`): the time-sorted window, or the
 * query of the records at one instant sorted by id. HubSpot applies one sort rule only ("Only one
 * sorting rule can be applied to any search", Search the CRM), so ties are split by a filter.
 */
export function searchBody(spec: SearchSpec, c: SearchCursor, pageSize: number) {
  const m = spec.modifiedProperty;
  const f = (propertyName: string, operator: string, value: number | string) => ({
    propertyName,
    operator,
    value: String(value),
  });
  const filters = c.tie
    ? [
        f(m, 'GTE', c.tie.at),
        f(m, 'LTE', c.tie.at),
        ...(c.tie.afterId ? [f(OBJECT_ID_PROPERTY, 'GT', c.tie.afterId)] : []),
      ]
    : c.since === null
      ? []
      : [f(m, c.strict ? 'GT' : 'GTE', c.since)];
  return {
    filterGroups: filters.length ? [{ filters }] : [],
    sorts: [{ propertyName: c.tie ? OBJECT_ID_PROPERTY : m, direction: 'ASCENDING' }],
    properties: [...new Set([...spec.properties, OBJECT_ID_PROPERTY])],
    limit: pageSize,
  };
}

/**
 * Reads one page of objects changed since the cursor with the CRM search API, moving the window
 * at HubSpot's 10,000-result cap (see `SearchCursor`).
 */
export async function searchPage(
  ctx: HubSpotContext,
  spec: SearchSpec,
  cursor: SearchCursor,
): Promise<SearchResult> {
  const s = ctx.settings;
  const c = windowOf(cursor, s.indexLagMs);
  const path = `/crm/v3/objects/${spec.objectType}/search`;
  const request = { method: 'POST' as const, url: path, body: searchBody(spec, c, s.pageSize) };
  const { body: page, next: after } = await searchPages(ctx, request, c.after);
  const timed = page.results.map((o) => ({
    o,
    id: o.id,
    at: modifiedAt(o, spec.modifiedProperty),
  }));
  const seen = dedupe(c, timed);
  const next = advance(
    c,
    seen,
    {
      next: after === null ? undefined : String(after),
      count: page.results.length,
      total: page.total,
      lastId: page.results.at(-1)?.id,
    },
    s.pageSize,
    SEARCH_RESULT_CAP,
  );
  return { objects: seen.fresh.map((t) => t.o), cursor: next.cursor, hasMore: next.hasMore };
}
