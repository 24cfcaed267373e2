import { z } from 'zod';

import { parseVendorBody } from '../../src/sdk/vendor-body.ts';

/*
 * The HubSpot response bodies the connector reads, as zod schemas: envelopes are strict (a body
 * that is not one fails the call as permanent), objects inside are loose (HubSpot adds fields).
 * Shapes: CRM v3 objects search and batch endpoints, associations v4 batch read
 * (developers.hubspot.com/docs/api-reference, "legacy" v3 pages; same bodies as 2026-03).
 */

// HubSpot ids are strings in v3 bodies and numbers in some v4 ones (toObjectId).
const objectId = z.union([z.string().min(1), z.number().int()]).transform(String);

/** One CRM object: its id and its properties (all values are strings or null on the wire). */
export const CrmObject = z.looseObject({
  id: objectId,
  properties: z.record(z.string(), z.unknown()).default({}),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  archived: z.boolean().optional(),
});
/** A CRM object as HubSpot returns it. */
export type CrmObject = z.output<typeof CrmObject>;

/** `POST /crm/v3/objects/{type}/search`. */
export const SearchBody = z.looseObject({
  total: z.number().optional(),
  results: z.array(CrmObject),
  paging: z
    .looseObject({ next: z.looseObject({ after: z.string().min(1) }).optional() })
    .optional(),
});

/** One error of a batch answer; `context` names the inputs it concerns. */
export const BatchError = z.looseObject({
  status: z.string().optional(),
  category: z.string().optional(),
  message: z.string().default(''),
  context: z.record(z.string(), z.array(z.string())).optional(),
  errors: z
    .array(z.looseObject({ message: z.string().optional(), in: z.string().optional() }))
    .optional(),
});
/** One error of a batch answer. */
export type BatchError = z.output<typeof BatchError>;

/** `POST .../batch/upsert`, `.../batch/update`, `.../batch/read` (200, or 207 with errors). */
export const BatchBody = z.looseObject({
  status: z.string().optional(),
  results: z
    .array(
      CrmObject.extend({ objectWriteTraceId: z.string().optional(), new: z.boolean().optional() }),
    )
    .default([]),
  errors: z.array(BatchError).default([]),
  numErrors: z.number().optional(),
});
/** A parsed batch answer. */
export type BatchBody = z.output<typeof BatchBody>;

/** `POST /crm/v4/associations/{from}/{to}/batch/read`. */
export const AssociationsBody = z.looseObject({
  results: z
    .array(
      z.looseObject({
        from: z.looseObject({ id: objectId }),
        to: z.array(z.looseObject({ toObjectId: objectId })).default([]),
      }),
    )
    .default([]),
});

/** The error body most HubSpot endpoints answer with (429s add `policyName`). */
export const ErrorBody = z.looseObject({
  status: z.string().optional(),
  message: z.string().optional(),
  category: z.string().optional(),
  errorType: z.string().optional(),
  policyName: z.string().optional(),
  correlationId: z.string().optional(),
});

/** Parses a HubSpot body with a schema, or fails the call as permanent, naming the field. */
export const parseBody = parseVendorBody;

/** A page of `GET /crm/v3/owners` (owners API v3): `id` is what `hubspot_owner_id` holds. */
export const OwnersPage = z.looseObject({
  results: z.array(
    z.looseObject({
      id: z.string(),
      email: z.string().nullish(),
      firstName: z.string().nullish(),
      lastName: z.string().nullish(),
    }),
  ),
  paging: z.looseObject({ next: z.looseObject({ after: z.string() }).optional() }).optional(),
});
