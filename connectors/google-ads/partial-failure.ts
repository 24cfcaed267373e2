import type { SinkResult } from '../../src/sdk/connector.ts';
import { ALREADY_UPLOADED_CODES, RETRYABLE_ROW_CODES } from './constants.ts';
import { codeOf, errorsOf, type GoogleAdsError, type RpcStatus } from './wire.ts';

/** The row an error is about: `location.fieldPathElements` `[{fieldName:'conversions',index:i},…]`. */
function rowOf(e: GoogleAdsError): number | undefined {
  return e.location?.fieldPathElements.find((f) => f.fieldName === 'conversions')?.index;
}

/** The field inside the row an error names (`gclid`, `user_identifiers.hashed_email`), if any. */
function fieldOf(e: GoogleAdsError): string | undefined {
  const path = e.location?.fieldPathElements ?? [];
  const at = path.findIndex((f) => f.fieldName === 'conversions');
  const rest = path.slice(at + 1).map((f) => f.fieldName ?? '');
  return rest.length ? rest.filter(Boolean).join('.') : undefined;
}

/**
 * One row's outcome from its errors: delivered when every error says Google already has the
 * conversion (`ALREADY_UPLOADED_CODES`); else a failure with Google's codes and messages, retryable
 * only when every other error is a wait or a Google-side fault (`RETRYABLE_ROW_CODES`).
 */
function outcomeOf(errors: GoogleAdsError[], destinationId: string): SinkResult {
  const real = errors.filter((e) => !ALREADY_UPLOADED_CODES.has(codeOf(e)[1]));
  if (real.length === 0) return { ok: true, destinationId };
  const reason = real.map((e) => `${codeOf(e).join(' ')}: ${e.message}`).join('; ');
  const field = real.map(fieldOf).find((f) => f !== undefined);
  const retryable = real.every((e) => RETRYABLE_ROW_CODES.has(codeOf(e)[1]));
  return { ok: false, retryable, reason, ...(field ? { field } : {}) };
}

/**
 * The outcome of every row of an uploadClickConversions answer sent with `partialFailure: true`
 * (docs/vendors.md (Google Ads)): the errors of `partialFailureError.details[].errors` are put on their row by
 * `fieldPathElements[0].index`; a row with no error and a result is delivered; a row left as `{}`
 * without an error of its own failed for the reason Google gave the whole request (retryable:
 * nothing is known to be wrong with it).
 */
export function rowOutcomes(
  results: readonly Record<string, unknown>[],
  partialFailure: RpcStatus | undefined,
  destinationIds: readonly string[],
): SinkResult[] {
  const byRow = new Map<number, GoogleAdsError[]>();
  const unplaced: GoogleAdsError[] = [];
  for (const e of partialFailure ? errorsOf(partialFailure) : []) {
    const row = rowOf(e);
    if (row === undefined || row < 0 || row >= results.length) unplaced.push(e);
    else byRow.set(row, [...(byRow.get(row) ?? []), e]);
  }
  const whole =
    unplaced.map((e) => `${codeOf(e).join(' ')}: ${e.message}`).join('; ') ||
    partialFailure?.message ||
    'no result and no error for this conversion';
  return results.map((r, i) => {
    const errors = byRow.get(i);
    if (errors?.length) return outcomeOf(errors, destinationIds[i]!);
    if (Object.keys(r).length === 0)
      return { ok: false, retryable: true, reason: `Google Ads did not record it: ${whole}` };
    return { ok: true, destinationId: destinationIds[i]! };
  });
}
