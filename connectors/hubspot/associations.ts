import { MAX_BATCH_INPUTS } from './limits.ts';
import type { HubSpotContext } from './search.ts';
import { AssociationsBody, BatchBody, parseBody, type CrmObject } from './wire.ts';

/** Splits ids into request-sized chunks. */
function chunks(ids: readonly string[], size = MAX_BATCH_INPUTS): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/**
 * The ids of `toType` objects associated with each of `ids` (associations v4 batch read). Only the
 * first page of each object's associations is read: the connector uses the first contact of a
 * deal or engagement, and a deal with hundreds of contacts is not a dealership's deal.
 */
export async function associatedIds(
  ctx: HubSpotContext,
  fromType: string,
  toType: string,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const path = `/crm/v4/associations/${fromType}/${toType}/batch/read`;
  for (const part of chunks(ids)) {
    const res = await ctx.http.post(
      path,
      { inputs: part.map((id) => ({ id })) },
      { signal: ctx.signal },
    );
    for (const r of parseBody(AssociationsBody, res.data, `POST ${path}`).results) {
      found.set(
        r.from.id,
        r.to.map((t) => t.toObjectId),
      );
    }
  }
  return found;
}

/** Reads objects by id with the given properties (CRM v3 batch read), keyed by id. */
export async function readObjects(
  ctx: HubSpotContext,
  objectType: string,
  ids: readonly string[],
  properties: readonly string[],
): Promise<Map<string, CrmObject>> {
  const found = new Map<string, CrmObject>();
  const path = `/crm/v3/objects/${objectType}/batch/read`;
  for (const part of chunks([...new Set(ids)])) {
    const res = await ctx.http.post(
      path,
      { properties, inputs: part.map((id) => ({ id })) },
      { signal: ctx.signal },
    );
    for (const o of parseBody(BatchBody, res.data, `POST ${path}`).results) found.set(o.id, o);
  }
  return found;
}
