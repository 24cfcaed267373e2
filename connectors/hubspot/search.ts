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
   * engagements (reference §6.1, H5; the Search guide filters tasks on `hs_lastmodifieddate`).
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

/**
 * Reads one page of objects changed since the cursor with the CRM search API, moving the window
 * before HubSpot's 10,000-result cap (see `SearchCursor`).
 */
export async function searchPage(
  ctx: HubSpotContext,
  spec: SearchSpec,
  cursor: SearchCursor,
): Promise<SearchResult> {
  const s = ctx.settings;
  const c = windowOf(cursor, s.indexLagMs);
  const filters =
    c.since === null
      ? []
      : [
          {
            filters: [
              {
                propertyName: spec.modifiedProperty,
                operator: c.strict ? 'GT' : 'GTE',
                value: String(c.since),
              },
            ],
          },
        ];
  const what = `POST /crm/v3/objects/${spec.objectType}/search`;
  const res = await ctx.http.post(
    `/crm/v3/objects/${spec.objectType}/search`,
    {
      filterGroups: filters,
      sorts: [{ propertyName: spec.modifiedProperty, direction: 'ASCENDING' }],
      properties: spec.properties,
      limit: s.pageSize,
      ...(c.after ? { after: c.after } : {}),
    },
    { signal: ctx.signal },
  );
  const page = parseBody(SearchBody, res.data, what);
  const timed = page.results.map((o) => ({
    o,
    id: o.id,
    at: modifiedAt(o, spec.modifiedProperty),
  }));
  const seen = dedupe(c, timed);
  const next = advance(c, seen, page.paging?.next?.after, s.pageSize, SEARCH_RESULT_CAP);
  if (next.stuck) {
    ctx.log.warn(
      { objectType: spec.objectType, at: seen.lastAt },
      'over 10,000 HubSpot records share one modification time; moving past it',
    );
  }
  return { objects: seen.fresh.map((t) => t.o), cursor: next.cursor, hasMore: next.hasMore };
}
