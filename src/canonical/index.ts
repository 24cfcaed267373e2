import { activitySchema } from './activity.ts';
import { campaignSchema } from './campaign.ts';
import { conversionSchema } from './conversion.ts';
import { customerSchema } from './customer.ts';
import { leadSchema } from './lead.ts';
import { saleSchema } from './sale.ts';
import { spendSchema } from './spend.ts';
import { touchpointSchema } from './touchpoint.ts';

/** Every canonical entity by name: the records that all systems map to and from. */
export const canonicalEntities = {
  customer: customerSchema,
  lead: leadSchema,
  touchpoint: touchpointSchema,
  sale: saleSchema,
  activity: activitySchema,
  campaign: campaignSchema,
  spend: spendSchema,
  conversion: conversionSchema,
} as const;

/** Name of a canonical entity. */
export type EntityName = keyof typeof canonicalEntities;

/** The entity names, in a stable order. */
export const entityNames = Object.keys(canonicalEntities) as EntityName[];

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
