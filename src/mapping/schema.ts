import { z } from 'zod';

import { entityNames } from '../canonical/index.ts';
import { patternProblem } from './regex-safety.ts';
import { transforms } from './transforms/index.ts';
import { countryCode } from './transforms/phone.ts';
import { isZone } from './transforms/date-parse.ts';

const path = z
  .string()
  .min(1)
  .describe('Path into a record: dotted keys, [0] indexes, [name=value] filters.');
const paths = z.union([path, z.array(path).min(2)]);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const owner = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'a connector id, hub or latest')
  .describe('Who wins a conflict on this field: a connector id, hub, or latest (newest change).');
const direction = z
  .enum(['in', 'out', 'both'])
  .describe('in: system → hub; out: hub → system; both.');

const stepSchema = z
  .union([
    z.enum(
      [...transforms.values()].filter((t) => t.options.safeParse({}).success).map((t) => t.name),
    ),
    ...[...transforms.values()].map((t) =>
      z.strictObject({ [t.name]: t.options.describe(t.summary) }).describe(t.summary),
    ),
  ])
  .describe('A transform: its name, or { name: options }.');

const condition = z
  .strictObject({
    system: path.optional().describe('Test this path of the system record.'),
    canonical: path.optional().describe('Test this path of the canonical record.'),
    equals: scalar.optional().describe('Holds when the value equals this.'),
    notEquals: scalar.optional().describe('Holds when the value differs from this.'),
    in: z.array(scalar).optional().describe('Holds when the value is one of these.'),
    exists: z.boolean().optional().describe('true: holds when present; false: when missing.'),
    matches: z
      .string()
      .superRefine((pattern, ctx) => {
        const problem = patternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe('Holds when the text matches this regular expression.'),
  })
  .describe('A condition on one value; all given tests must hold.');

const valueMap = z
  .strictObject({
    map: z.record(z.string(), scalar).describe('System value → canonical value.'),
    default: scalar.optional().describe('Canonical value for system values not in the map.'),
    ignoreCase: z.boolean().default(false).describe('Match system values ignoring case.'),
    reverse: z
      .record(z.string(), scalar)
      .optional()
      .describe('Out direction: canonical value → system value, where the map has several.'),
  })
  .describe('Value map, e.g. CRM statuses to lifecycle stages.');

const common = {
  transform: z.array(stepSchema).optional().describe('Transforms applied in order (in direction).'),
  values: valueMap.optional(),
  direction: direction.optional(),
  required: z.boolean().default(false).describe('A record without this field is quarantined.'),
  when: z
    .union([condition, z.array(condition)])
    .optional()
    .describe('Map the field only when this holds.'),
  owner: owner.optional(),
  to: paths.optional().describe('System path(s) the out direction writes; default: from.'),
  description: z.string().optional().describe('Note for people reading the mapping.'),
};

/** One field: where its value comes from (exactly one of from, value, template) and how. */
export const fieldSchema = z.union([
  z.strictObject({
    from: paths.describe('System path(s) to read; several give a list.'),
    ...common,
  }),
  z.strictObject({ value: scalar.describe('A constant.'), ...common }),
  z.strictObject({
    template: z
      .string()
      .min(1)
      .describe('Text with {{path}} placeholders, e.g. "{{year}} {{make}}".'),
    ...common,
  }),
]);

/** The one schema of a mapping file; its JSON Schema is generated from this. */
export const mappingSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe('Mapping format version.'),
    connector: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits, -')
      .describe('Connector id, e.g. meta.'),
    stream: z.string().min(1).describe('Stream (or sink) of the connector, e.g. leads.'),
    entity: z.enum(entityNames).describe('Canonical entity the records map to.'),
    description: z.string().optional().describe('What this mapping is for.'),
    recordKey: paths.describe(
      'System path(s) that identify a record (joined by ":" when several).',
    ),
    defaults: z
      .strictObject({
        country: countryCode.default('US').describe('Country for phones and postal codes.'),
        timeZone: z
          .string()
          .refine(isZone, 'not an IANA time zone')
          .default('UTC')
          .describe('Zone of times without offset.'),
        direction: direction.default('in'),
        owner: owner.default('latest'),
      })
      .default({ country: 'US', timeZone: 'UTC', direction: 'in', owner: 'latest' })
      .describe('Defaults for every field.'),
    landsOn: z
      .strictObject({
        fields: z
          .array(z.string().min(1))
          .min(1)
          .describe(
            'Canonical fields (mapped in by this file) that a record carries onto the lead it lands on, e.g. [stage]; its other fields only fill a lead of its own, made when it lands on none.',
          ),
        origin: z
          .strictObject({
            sink: z
              .string()
              .min(1)
              .describe('Sink of the same connection through which the hub wrote those records.'),
            ids: paths.describe(
              "System path(s) holding ids of records in the system this record belongs to (e.g. a deal's contactIds).",
            ),
          })
          .optional()
          .describe(
            'Records of the system the hub made from a hub lead: the record lands on that lead.',
          ),
      })
      .optional()
      .describe(
        "A CRM record that moves an existing hub lead instead of being a lead of its own (lead mappings only): it lands on the lead the hub wrote its origin record from, else on the customer's most recent lead created at or before its change time that is not closed (sold or lost), else it makes its own.",
      ),
    fields: z
      .record(z.string(), fieldSchema)
      .describe('Canonical field (dotted path) → how to map it.'),
  })
  .describe('DealerLoop mapping: one connector stream ⇄ one canonical entity.');

/** A validated mapping file (defaults applied). */
export type MappingSpec = z.output<typeof mappingSchema>;
/** One field of a mapping. */
export type FieldSpec = z.output<typeof fieldSchema>;
/** A condition of `when`. */
export type ConditionSpec = z.output<typeof condition>;
/** A value map. */
export type ValueMapSpec = z.output<typeof valueMap>;
/** A transform step as written. */
export type StepSpec = z.output<typeof stepSchema>;
