import { z } from 'zod';

import type { SinkResult } from '../../src/sdk/connector.ts';
import type { HubSpotContext } from './search.ts';
import { parseBody } from './wire.ts';

/**
 * The enumeration properties the shipped mappings write, per object type: their values must be
 * options the portal defines ("was not one of the allowed options" otherwise, and HubSpot refuses
 * the whole batch).
 */
export const ENUM_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  contacts: ['hs_lead_status', 'lifecyclestage'],
};

/** `GET /crm/v3/properties/{objectType}/{propertyName}` (Properties API): the options part. */
const PropertyBody = z.looseObject({
  name: z.string(),
  options: z.array(z.looseObject({ value: z.string() })).default([]),
});

/** Allowed values per object type and property, as a connection keeps them. */
export type PropertyOptions = Record<string, Record<string, string[]>>;

/** Reads the options of every property in `ENUM_PROPERTIES` from the portal (connection test). */
export async function readPropertyOptions(ctx: HubSpotContext): Promise<PropertyOptions> {
  const out: PropertyOptions = {};
  for (const [objectType, names] of Object.entries(ENUM_PROPERTIES)) {
    for (const name of names) {
      const path = `/crm/v3/properties/${objectType}/${name}`;
      const res = await ctx.http.get(path, { signal: ctx.signal });
      const body = parseBody(PropertyBody, res.data, `GET ${path}`);
      (out[objectType] ??= {})[name] = body.options.map((o) => o.value);
    }
  }
  return out;
}

/**
 * The per-record refusal of a property value the portal does not define (enumeration values are
 * case-sensitive in HubSpot), or null when every value is one of its options.
 */
export function undefinedValue(
  options: Readonly<Record<string, readonly string[]>> | undefined,
  properties: Record<string, unknown>,
): SinkResult | null {
  for (const [name, allowed] of Object.entries(options ?? {})) {
    const v = properties[name];
    if (typeof v !== 'string' || v === '' || allowed.length === 0 || allowed.includes(v)) continue;
    return {
      ok: false,
      retryable: false,
      reason: `${name} ${JSON.stringify(v)} is not a value this HubSpot portal defines (${allowed.join(', ')})`,
      field: `properties.${name}`,
    };
  }
  return null;
}
