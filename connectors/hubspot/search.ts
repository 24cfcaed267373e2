import type { ConnectorContext } from '../../src/sdk/connector.ts';
import { advance, dedupe, windowOf, type SearchCursor } from './cursor.ts';
import { SEARCH_RESULT_CAP } from './limits.ts';
import type { HubSpotCredentials, HubSpotSettings } from './settings.ts';
import { parseBody, SearchBody, type CrmObject } from './wire.ts';

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
 * The search body of the cursor's next query (see `SearchCursor`): the time-sorted window, or the
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
    ...(c.after ? { after: c.after } : {}),
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
  const res = await ctx.http.post(path, searchBody(spec, c, s.pageSize), { signal: ctx.signal });
  const page = parseBody(SearchBody, res.data, `POST ${path}`);
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
      next: page.paging?.next?.after,
      count: page.results.length,
      total: page.total,
      lastId: page.results.at(-1)?.id,
    },
    s.pageSize,
    SEARCH_RESULT_CAP,
  );
  return { objects: seen.fresh.map((t) => t.o), cursor: next.cursor, hasMore: next.hasMore };
}
