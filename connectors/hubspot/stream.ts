import type { StreamDef } from '../../src/sdk/connector.ts';
import { typedStream } from '../../src/sdk/cursor.ts';
import { SearchCursor, START } from './cursor.ts';
import type { Presented } from './owners.ts';
import { searchPage, type HubSpotContext, type SearchSpec } from './search.ts';
import type { HubSpotCredentials, HubSpotSettings } from './settings.ts';
import type { CrmObject } from './wire.ts';

/** A HubSpot stream definition. */
export type HubSpotStream = StreamDef<HubSpotSettings, HubSpotCredentials>;

/** The properties a stream reads: its own, plus the connection's extra ones for that object. */
export function propertiesOf(ctx: HubSpotContext, objectType: string, own: readonly string[]) {
  return [...new Set([...own, ...(ctx.settings.extraProperties[objectType] ?? [])])];
}

/**
 * A stream of one CRM object type read incrementally with the search API; `present` turns a page
 * of objects into the records the mapping reads (and may fetch what they refer to), with the
 * page's run notes.
 */
export function searchStream(
  description: string,
  spec: (ctx: HubSpotContext) => SearchSpec,
  present: (ctx: HubSpotContext, objects: CrmObject[]) => Promise<Presented>,
): HubSpotStream {
  return typedStream({
    description,
    cursor: SearchCursor,
    what: 'hubspot search',
    async read(ctx: HubSpotContext, cursor) {
      const page = await searchPage(ctx, spec(ctx), cursor ?? START);
      return {
        ...(await present(ctx, page.objects)),
        next: page.cursor,
        hasMore: page.hasMore,
      };
    },
  });
}
