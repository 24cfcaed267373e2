import { z } from 'zod';

import { typedStream } from '../../src/sdk/cursor.ts';
import { associatedIds, readObjects } from './associations.ts';
import { SearchCursor, START } from './cursor.ts';
import { DEAL_CONTACT_PROPERTIES } from './deals-stream.ts';
import { ENGAGEMENT_PROPERTIES, engagementRecord } from './engagement-record.ts';
import { withOwnerNames, type Presented } from './owners.ts';
import { searchPage, type HubSpotContext } from './search.ts';
import { ENGAGEMENT_TYPES, type EngagementType } from './settings.ts';
import { propertiesOf, type HubSpotStream } from './stream.ts';
import type { CrmObject } from './wire.ts';

/** Where the engagements stream stands: one search window per object type, and whose turn it is. */
const EngagementsCursor = z.object({
  /** Index into the connection's `engagementTypes` of the type being read. */
  current: z.number().int().min(0),
  windows: z.partialRecord(z.enum(ENGAGEMENT_TYPES), SearchCursor),
});
type EngagementsCursor = z.output<typeof EngagementsCursor>;

/**
 * A page of engagements as records, each with its first contact's identifying properties
 * (`contact`: the customer it belongs to) and its owner's name (`ownerName`; an owner the
 * owners API does not name is noted).
 */
async function present(
  ctx: HubSpotContext,
  type: EngagementType,
  objects: CrmObject[],
  links: Map<string, string[]>,
): Promise<Presented> {
  const first = objects.map((o) => links.get(o.id)?.[0]).filter((x): x is string => !!x);
  const records = objects.map((o) =>
    engagementRecord(type, o, links.get(o.id) ?? [], ctx.settings.callOutcomes),
  );
  const [contacts, named] = await Promise.all([
    first.length
      ? readObjects(ctx, 'contacts', first, DEAL_CONTACT_PROPERTIES)
      : new Map<string, CrmObject>(),
    withOwnerNames(ctx, records, (r) => r.ownerId),
  ]);
  return {
    ...named,
    records: named.records.map((r) => {
      const contact = typeof r.contactId === 'string' ? contacts.get(r.contactId) : undefined;
      return contact ? { ...r, contact: contact.properties } : r;
    }),
  };
}

/**
 * Calls, emails, meetings and logged messages (texts) changed since the cursor, each read with its own CRM search
 * (`/crm/v3/objects/{calls|emails|meetings}/search` on `hs_lastmodifieddate`), one type after the
 * other, each with its associated contacts and its owner's name (owners API), as one flat record
 * shape (see `engagementRecord`).
 */
export const engagementsStream: HubSpotStream = typedStream({
  description: 'HubSpot calls, emails and meetings with their contacts, incrementally',
  cursor: EngagementsCursor,
  what: 'hubspot engagements',
  async read(ctx: HubSpotContext, cursor) {
    const types = ctx.settings.engagementTypes;
    const c: EngagementsCursor = cursor ?? { current: 0, windows: {} };
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
    const presented = await present(ctx, type, page.objects, contacts);
    const last = current + 1 >= types.length;
    const next: EngagementsCursor = {
      current: page.hasMore ? current : last ? 0 : current + 1,
      windows: { ...c.windows, [type]: page.cursor },
    };
    return { ...presented, next, hasMore: page.hasMore || !last };
  },
});
