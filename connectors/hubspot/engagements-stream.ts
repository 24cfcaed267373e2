import { z } from 'zod';

import { associatedIds } from './associations.ts';
import { decodeJson, SearchCursor, START } from './cursor.ts';
import { ENGAGEMENT_PROPERTIES, engagementRecord } from './engagement-record.ts';
import { searchPage } from './search.ts';
import { ENGAGEMENT_TYPES, type EngagementType } from './settings.ts';
import { propertiesOf, type HubSpotStream } from './stream.ts';

/** Where the engagements stream stands: one search window per object type, and whose turn it is. */
const EngagementsCursor = z.object({
  /** Index into the connection's `engagementTypes` of the type being read. */
  current: z.number().int().min(0),
  windows: z.partialRecord(z.enum(ENGAGEMENT_TYPES), SearchCursor),
});
type EngagementsCursor = z.output<typeof EngagementsCursor>;

/**
 * Calls, emails and meetings changed since the cursor, each read with its own CRM search
 * (`/crm/v3/objects/{calls|emails|meetings}/search` on `hs_lastmodifieddate`), one type after the
 * other, each with its associated contacts, as one flat record shape (see `engagementRecord`).
 */
export const engagementsStream: HubSpotStream = {
  description: 'HubSpot calls, emails and meetings with their contacts, incrementally',
  async read(ctx, cursor) {
    const types = ctx.settings.engagementTypes;
    const c: EngagementsCursor = cursor
      ? decodeJson(EngagementsCursor, cursor, 'engagements')
      : { current: 0, windows: {} };
    const current = c.current < types.length ? c.current : 0;
    const type: EngagementType = types[current]!;
    const page = await searchPage(
      ctx,
      {
        objectType: type,
        modifiedProperty: 'hs_lastmodifieddate',
        properties: propertiesOf(ctx, type, ENGAGEMENT_PROPERTIES[type]),
      },
      c.windows[type] ?? START,
    );
    const ids = page.objects.map((o) => o.id);
    const contacts = ids.length ? await associatedIds(ctx, type, 'contacts', ids) : new Map();
    const records = page.objects.map((o) =>
      engagementRecord(type, o, contacts.get(o.id) ?? [], ctx.settings.callOutcomes),
    );
    const last = current + 1 >= types.length;
    const next: EngagementsCursor = {
      current: page.hasMore ? current : last ? 0 : current + 1,
      windows: { ...c.windows, [type]: page.cursor },
    };
    return { records, nextCursor: JSON.stringify(next), hasMore: page.hasMore || !last };
  },
};
