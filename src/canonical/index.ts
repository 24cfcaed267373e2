import { activitySchema } from './activity.ts';
import { campaignSchema } from './campaign.ts';
import { conversionSchema } from './conversion.ts';
import { customerSchema } from './customer.ts';
import { leadSchema } from './lead.ts';
import { saleSchema } from './sale.ts';
import { spendNaturalKey, spendSchema } from './spend.ts';
import { touchpointSchema } from './touchpoint.ts';

/**
 * Every canonical entity by name: the records that all systems map to and from. These objects are
 * the ones mappings are checked against (src/mapping/plan.ts), the records API validates what it
 * reads with (src/entities/records.ts) and the OpenAPI document shows (components `Customer`,
 * `Lead`...): one schema per entity. (The entity files take `z` from @hono/zod-openapi, plain zod
 * with `.openapi()`: a zod schema has it only when made after that import.)
 */
export const canonicalEntities = {
  customer: customerSchema.openapi('Customer'),
  lead: leadSchema.openapi('Lead'),
  touchpoint: touchpointSchema.openapi('Touchpoint'),
  sale: saleSchema.openapi('Sale'),
  activity: activitySchema.openapi('Activity'),
  campaign: campaignSchema.openapi('Campaign'),
  spend: spendSchema.openapi('Spend'),
  conversion: conversionSchema.openapi('Conversion'),
} as const;

/** Name of a canonical entity. */
export type EntityName = keyof typeof canonicalEntities;

/** The entity names, in a stable order. */
export const entityNames = Object.keys(canonicalEntities) as EntityName[];

/**
 * The natural key of a record of `entity` (flattened canonical fields), for the entities whose
 * identity is what they describe rather than which connection read them (spend: platform, ad
 * account, campaign, date). Null when the entity has none or the record lacks a part of it.
 */
export function naturalKeyOf(entity: string, f: Readonly<Record<string, unknown>>): string | null {
  return entity === 'spend' ? spendNaturalKey(f) : null;
}

export * from './activity.ts';
export * from './campaign.ts';
export * from './common.ts';
export * from './conversion.ts';
export * from './customer.ts';
export * from './fields.ts';
export * from './identity.ts';
export * from './lead.ts';
export * from './sale.ts';
export * from './spend.ts';
export * from './touchpoint.ts';
