import type { SinkResult } from '../../src/sdk/connector.ts';
import type { BatchBody, BatchError } from './wire.ts';

/** One input of a batch write, with what identifies it in HubSpot's answer. */
export interface BatchInput {
  /** Position of the item in the sink's batch. */
  index: number;
  /** `objectWriteTraceId` sent with the input (the item's idempotency key). */
  traceId: string;
  /** The unique property value (upsert) or HubSpot id (update) the input names. */
  key: string;
  body: Record<string, unknown>;
}

// Categories of per-input errors worth trying again; everything else is about the record itself.
const RETRYABLE_CATEGORY = /RATE_LIMIT|INTERNAL|TIMEOUT|LOCKED|UNAVAILABLE/i;

const norm = (v: string) => v.trim().toLowerCase();

/** A failed result for an input from one of HubSpot's batch errors. */
function failure(e: BatchError): SinkResult {
  const detail = e.errors?.find((d) => d.message)?.message;
  const field = e.errors?.find((d) => d.in)?.in;
  return {
    ok: false,
    retryable: RETRYABLE_CATEGORY.test(e.category ?? ''),
    reason: `HubSpot ${e.category ?? 'error'}: ${detail ?? e.message}`.trim(),
    ...(field ? { field: `properties.${field}` } : {}),
  };
}

/**
 * Matches HubSpot's batch answer to the inputs. Results are found by `objectWriteTraceId`, else
 * by the unique property value (`idProperty`, compared case-insensitively: HubSpot lower-cases
 * emails) or the object id. Errors (207 Multi-Status, or 200 with `errors`) are found by any value
 * in their `context` (trace ids, ids, property values). An input with neither gets the error
 * nobody claimed when it is the only one left, or else a retryable "no result" (HubSpot does not promise result order).
 */
export function matchResults(
  inputs: readonly BatchInput[],
  body: BatchBody,
  idProperty: string | null,
): Map<number, SinkResult> {
  const lookup = new Map<string, BatchInput>();
  for (const i of inputs) {
    lookup.set(`t:${i.traceId}`, i);
    lookup.set(`k:${norm(i.key)}`, i);
  }
  const out = new Map<number, SinkResult>();
  for (const r of body.results) {
    const prop = idProperty ? r.properties[idProperty] : undefined;
    const input =
      (r.objectWriteTraceId && lookup.get(`t:${r.objectWriteTraceId}`)) ||
      (typeof prop === 'string' && lookup.get(`k:${norm(prop)}`)) ||
      (idProperty === null ? lookup.get(`k:${norm(r.id)}`) : undefined);
    if (input) out.set(input.index, { ok: true, destinationId: r.id });
  }
  const unclaimed: BatchError[] = [];
  for (const e of body.errors) {
    const values = Object.values(e.context ?? {}).flat();
    const hit = values
      .map((v) => lookup.get(`t:${v}`) ?? lookup.get(`k:${norm(v)}`))
      .filter((i): i is BatchInput => !!i);
    if (hit.length === 0) unclaimed.push(e);
    for (const i of hit) if (!out.has(i.index)) out.set(i.index, failure(e));
  }
  const left = inputs.filter((i) => !out.has(i.index));
  for (const i of left) {
    out.set(
      i.index,
      left.length === 1 && unclaimed.length === 1
        ? failure(unclaimed[0]!)
        : {
            ok: false,
            retryable: true,
            reason: unclaimed.length
              ? `HubSpot reported errors it did not tie to inputs: ${unclaimed.map((e) => e.message).join('; ')}`
              : 'HubSpot returned no result for this input',
          },
    );
  }
  return out;
}
