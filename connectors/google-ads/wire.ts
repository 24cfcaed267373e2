import { z } from 'zod';

/**
 * Google Ads REST answers (proto3 JSON mapping: lowerCamelCase, int64 as strings), as far as the
 * connector reads them (docs/vendors.md (Google Ads), §1.6). Unknown fields are kept out of the way (`loose`).
 */

/** One `GoogleAdsError`: a one-key `errorCode` (`{ quotaError: 'RESOURCE_EXHAUSTED' }`), a message,
 * where it applies (`location.fieldPathElements`) and, for quota errors, the wait. */
export const GoogleAdsError = z
  .object({
    errorCode: z.record(z.string(), z.unknown()).default({}),
    message: z.string().default(''),
    location: z
      .object({
        fieldPathElements: z
          .array(z.object({ fieldName: z.string().optional(), index: z.number().int().optional() }))
          .default([]),
      })
      .optional(),
    details: z
      .object({
        quotaErrorDetails: z.object({ retryDelay: z.string().optional() }).loose().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
/** One Google Ads error. */
export type GoogleAdsError = z.output<typeof GoogleAdsError>;

/** A `details[]` entry of a google.rpc.Status: a GoogleAdsFailure carries `errors`, a RetryInfo `retryDelay`. */
const StatusDetail = z
  .object({
    '@type': z.string().optional(),
    errors: z.array(GoogleAdsError).optional(),
    retryDelay: z.string().optional(),
    requestId: z.string().optional(),
  })
  .loose();

/** A google.rpc.Status: the RPC error of a failed call and the `partialFailureError` of a 200. */
export const RpcStatus = z
  .object({
    code: z.number().int().optional(),
    message: z.string().default(''),
    status: z.string().optional(),
    details: z.array(StatusDetail).default([]),
  })
  .loose();
/** A google.rpc.Status. */
export type RpcStatus = z.output<typeof RpcStatus>;

/** The body of a failed call: `{ "error": Status }`. */
export const ErrorBody = z.object({ error: RpcStatus });

/** Every GoogleAdsError inside a status's GoogleAdsFailure details. */
export function errorsOf(status: RpcStatus): GoogleAdsError[] {
  return status.details.flatMap((d) => d.errors ?? []);
}

/** The enum value of an error code and its kind: `{ quotaError: 'X' }` → `['quotaError', 'X']`. */
export function codeOf(e: GoogleAdsError): [kind: string, value: string] {
  const [kind, value] = Object.entries(e.errorCode)[0] ?? ['unknown', 'UNKNOWN'];
  return [kind, String(value)];
}

/** The answer of uploadClickConversions: one result per conversion (`{}` where it failed). */
export const UploadAnswer = z
  .object({
    results: z.array(z.record(z.string(), z.unknown())),
    partialFailureError: RpcStatus.optional(),
    jobId: z.union([z.string(), z.number()]).optional(),
  })
  .loose();

const int64 = z.union([z.string().regex(/^-?\d+$/, 'an int64 as digits'), z.number().int()]);

/**
 * One GoogleAdsRow of the spend query. Proto3 JSON leaves out zero values, so a day with no cost
 * may come without `costMicros` (read as 0).
 */
export const SpendRow = z
  .object({
    campaign: z.object({
      resourceName: z.string().optional(),
      id: int64.transform(String),
      name: z.string().optional(),
    }),
    metrics: z
      .object({
        costMicros: int64.default('0').transform(String),
        impressions: int64.transform(Number).optional(),
        clicks: int64.transform(Number).optional(),
      })
      .prefault({}),
    segments: z.object({ date: z.iso.date() }),
    // `customers/{id}`: the account, part of the spend row's identity (src/canonical/spend.ts).
    customer: z
      .object({ resourceName: z.string().optional(), currencyCode: z.string().optional() })
      .optional(),
  })
  .loose();

/** searchStream answers a JSON array of batches, each with its `results` (docs/vendors.md (Google Ads), developers.google.com/google-ads/api/reference/rpc/v25/SearchGoogleAdsStreamResponse). */
export const SearchStreamAnswer = <T extends z.ZodType>(row: T) =>
  z.array(
    z.object({ results: z.array(row).default([]), requestId: z.string().optional() }).loose(),
  );
