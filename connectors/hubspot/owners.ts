import type { SystemRecord } from '../../src/sdk/connector.ts';
import { pagedReader, type PagePosition } from '../../src/sdk/paging.ts';
import { MAX_OWNERS_PAGE } from './limits.ts';
import { HUBSPOT_PAGING, type HubSpotContext } from './search.ts';
import { OwnersPage } from './wire.ts';

const ownersPage = pagedReader({
  paging: HUBSPOT_PAGING.query,
  records: 'results',
  schema: OwnersPage,
});
/**
 * The owners API lists active owners only unless `archived=true`, which lists the archived
 * (deactivated) ones instead: both are read, so the deals and activities of a salesperson who
 * left keep their name.
 */
const OWNERS_REQUESTS = [
  { url: '/crm/v3/owners', params: { limit: MAX_OWNERS_PAGE } },
  { url: '/crm/v3/owners', params: { limit: MAX_OWNERS_PAGE, archived: true } },
];

/** Owner names by owner id, read once per opened connection (its HTTP client). */
const cache = new WeakMap<object, Promise<Map<string, string>>>();

/** "First Last", else the owner's email (an owner may have no name). */
function nameOf(o: { firstName?: string | null; lastName?: string | null; email?: string | null }) {
  const name = [o.firstName, o.lastName]
    .map((s) => s?.trim())
    .filter(Boolean)
    .join(' ');
  return name || o.email?.trim() || undefined;
}

async function readOwners(ctx: HubSpotContext): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const request of OWNERS_REQUESTS) {
    let at: PagePosition = null;
    do {
      const page = await ownersPage(ctx, request, at);
      for (const o of page.body.results) {
        const name = nameOf(o);
        // An id listed both ways keeps its active owner's name.
        if (name && !names.has(o.id)) names.set(o.id, name);
      }
      at = page.next;
    } while (at !== null);
  }
  return names;
}

/**
 * The account's owners (the people `hubspot_owner_id` names: salespeople), by owner id, listed
 * with the owners API (`GET /crm/v3/owners`, paged; active, then archived with `archived=true`)
 * once per opened connection. Engagements carry
 * only the owner id; reports per salesperson want the name.
 */
export function ownerNames(ctx: HubSpotContext): Promise<Map<string, string>> {
  let names = cache.get(ctx.http);
  if (!names) {
    names = readOwners(ctx);
    cache.set(ctx.http, names);
    // A failed read is not kept: the next page asks again.
    names.catch(() => cache.delete(ctx.http));
  }
  return names;
}

/**
 * Note of records whose owner id the owners API does not name (among neither the account's active
 * nor its archived owners, e.g. a user since deleted, or one with neither name nor email): they keep the id.
 */
export const UNKNOWN_OWNER = 'unknownOwner';

/** Records as a stream presents them, with the run notes they give rise to. */
export interface Presented {
  records: SystemRecord[];
  notes?: Record<string, number>;
}

/**
 * The records with `ownerName`, the name of the owner `ownerIdOf` gives (owners read once per
 * run: see `ownerNames`); a record whose owner has no name keeps only the id and is counted in
 * the `unknownOwner` note. No owner id on the page: no owners call.
 */
export async function withOwnerNames(
  ctx: HubSpotContext,
  records: SystemRecord[],
  ownerIdOf: (r: SystemRecord) => unknown,
): Promise<Presented> {
  const ids = records.map((r) => {
    const id = ownerIdOf(r);
    return typeof id === 'string' && id.trim() ? id.trim() : undefined;
  });
  if (!ids.some(Boolean)) return { records };
  const names = await ownerNames(ctx);
  let unknown = 0;
  const named = records.map((r, i) => {
    const name = ids[i] === undefined ? undefined : names.get(ids[i]);
    if (ids[i] !== undefined && !name) unknown++;
    return name ? { ...r, ownerName: name } : r;
  });
  return { records: named, ...(unknown ? { notes: { [UNKNOWN_OWNER]: unknown } } : {}) };
}
