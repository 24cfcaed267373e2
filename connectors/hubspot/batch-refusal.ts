import { AxiosError } from 'axios';
import { z } from 'zod';

import type { BatchInput } from './batch-results.ts';
import { ErrorBody } from './wire.ts';

/** One entry of "Property values were not valid: [...]" in a 400 VALIDATION_ERROR message. */
const PropertyProblem = z.looseObject({
  name: z.string(),
  message: z.string().default(''),
  error: z.string().optional(),
});

/** A 400 answer to a batch, with what it says about which inputs are at fault. */
export interface Refusal {
  reason: string;
  /** The inputs the answer names, each with the property at fault when it says. */
  named: Map<BatchInput, string | undefined>;
}

/** The property problems of a validation message, when it lists them as HubSpot's JSON. */
function problemsOf(message: string): z.output<typeof PropertyProblem>[] {
  const at = message.indexOf('[');
  if (at < 0) return [];
  try {
    const list = z.array(PropertyProblem).safeParse(JSON.parse(message.slice(at)));
    return list.success ? list.data : [];
  } catch {
    return [];
  }
}

/**
 * Reads a 400 refusal of a batch (HubSpot docs, Error handling: one invalid input fails a v3 batch)
 * and finds the inputs it names: by any value of its `context` (ids, trace ids, emails), or by the
 * property value a "Property values were not valid" entry quotes (`"SHOWED" was not one of the
 * allowed options`, `Email address bad@@example is invalid`): every input carrying that value is
 * at fault. Null when the error is not a 400.
 */
export function readRefusal(
  err: unknown,
  inputs: readonly BatchInput[],
  idProperty: string | null,
): Refusal | null {
  if (!(err instanceof AxiosError) || err.response?.status !== 400) return null;
  const body = ErrorBody.extend({
    context: z.record(z.string(), z.array(z.string())).optional(),
  }).safeParse(err.response.data);
  const info = body.success ? body.data : {};
  const message = info.message ?? 'bad request';
  const named = new Map<BatchInput, string | undefined>();
  const values = new Set(
    Object.values(info.context ?? {})
      .flat()
      .map((v) => v.toLowerCase()),
  );
  for (const i of inputs)
    if (values.has(i.traceId.toLowerCase()) || values.has(i.key.toLowerCase()))
      named.set(i, undefined);
  for (const p of problemsOf(message)) {
    // The quoted value comes before the list of allowed options, which must not match.
    const head = p.message.split(/was not one of the allowed options/i)[0] ?? '';
    for (const i of inputs) {
      const props = (i.body.properties ?? {}) as Record<string, unknown>;
      const v = p.name === idProperty ? i.key : props[p.name];
      if (
        (typeof v === 'string' || typeof v === 'number') &&
        String(v) !== '' &&
        head.includes(String(v))
      )
        named.set(i, p.name);
    }
  }
  return { reason: `HubSpot ${info.category ?? 'refused the input'}: ${message}`, named };
}
