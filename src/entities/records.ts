import { z } from '@hono/zod-openapi';

import { canonicalEntities, type EntityName } from '../canonical/index.ts';
import { unflatten } from '../records/flat.ts';
import type { StoredRecord } from '../records/merge.ts';
import { parseStored } from './stored.ts';

/** A canonical record of one entity as the API shows it: its fields are the entity's schema. */
const recordOf = <E extends EntityName>(entity: E, name: string) =>
  z
    .object({
      id: z.string().min(1),
      entity: z.literal(entity),
      version: z.number().int().describe('+1 on every change'),
      customerId: z.string().optional().describe('The customer the record belongs to'),
      matchKey: z.enum(['email', 'phone', 'namePostal']).optional(),
      matchConfidence: z.enum(['high', 'medium']).optional(),
      fields: canonicalEntities[entity],
    })
    .openapi(`${name}Record`);

/** The record schema of each canonical entity (components `CustomerRecord`, `LeadRecord`...). */
export const recordSchemas = {
  customer: recordOf('customer', 'Customer'),
  lead: recordOf('lead', 'Lead'),
  touchpoint: recordOf('touchpoint', 'Touchpoint'),
  sale: recordOf('sale', 'Sale'),
  activity: recordOf('activity', 'Activity'),
  campaign: recordOf('campaign', 'Campaign'),
  spend: recordOf('spend', 'Spend'),
  conversion: recordOf('conversion', 'Conversion'),
} satisfies { [E in EntityName]: z.ZodType };

/** A canonical record of any entity, told apart by `entity`. */
export const RecordSchema = z
  .discriminatedUnion('entity', [
    recordSchemas.customer,
    recordSchemas.lead,
    recordSchemas.touchpoint,
    recordSchemas.sale,
    recordSchemas.activity,
    recordSchemas.campaign,
    recordSchemas.spend,
    recordSchemas.conversion,
  ])
  .openapi('Record');
/** A canonical record as the API shows it. */
export type RecordView = z.output<typeof RecordSchema>;

/**
 * The API form of a stored record, checked against its entity's schema: a stored field that does
 * not fit is a StoredValueError naming the record (`where`) and the field (`fields.customer.email`).
 */
export function recordView(r: StoredRecord, where: string): RecordView {
  const entity = r.entity as EntityName;
  return parseStored(recordSchemas[entity] ?? RecordSchema, `${r.entity} record`, where, {
    id: r.id,
    entity,
    version: r.v,
    ...(r.customerId ? { customerId: r.customerId } : {}),
    ...(r.matchKey ? { matchKey: r.matchKey } : {}),
    ...(r.matchConfidence ? { matchConfidence: r.matchConfidence } : {}),
    fields: unflatten(r.f),
  }) as RecordView;
}
