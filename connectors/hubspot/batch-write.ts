import { AxiosError } from 'axios';

import type { SinkResult } from '../../src/sdk/connector.ts';
import { matchResults, type BatchInput } from './batch-results.ts';
import type { HubSpotContext } from './search.ts';
import { BatchBody, ErrorBody, parseBody } from './wire.ts';

/** A 400 answer: HubSpot refused the request body (one bad input fails a whole v3 batch). */
function refusal(err: unknown): string | null {
  if (!(err instanceof AxiosError) || err.response?.status !== 400) return null;
  const body = ErrorBody.safeParse(err.response.data);
  const info = body.success ? body.data : {};
  return `HubSpot ${info.category ?? 'refused the input'}: ${info.message ?? 'bad request'}`;
}

/**
 * Sends one batch (`POST {path}` with `{inputs}`) and returns a result per input. HubSpot's v3
 * batch endpoints answer 200, or 207 Multi-Status with an `errors` array when some inputs failed
 * (reference §6.1, UNCONFIRMED there; HubSpot's Error handling page documents 207 for batch
 * create with `objectWriteTraceId`, so both are read the same way). A 400 refuses the whole batch
 * for one bad input, so the batch is halved until the refused inputs stand alone and fail by
 * themselves: one bad record never blocks the others (at most 2n-1 requests for n inputs).
 * Any other failure is thrown for the engine to classify and retry.
 */
export async function sendBatch(
  ctx: HubSpotContext,
  path: string,
  inputs: readonly BatchInput[],
  idProperty: string | null,
): Promise<Map<number, SinkResult>> {
  if (inputs.length === 0) return new Map();
  try {
    const res = await ctx.http.post(
      path,
      { inputs: inputs.map((i) => i.body) },
      { signal: ctx.signal },
    );
    return matchResults(inputs, parseBody(BatchBody, res.data, `POST ${path}`), idProperty);
  } catch (err) {
    const reason = refusal(err);
    if (reason === null) throw err;
    if (inputs.length === 1) {
      return new Map([[inputs[0]!.index, { ok: false, retryable: false, reason }]]);
    }
    const half = Math.ceil(inputs.length / 2);
    const first = await sendBatch(ctx, path, inputs.slice(0, half), idProperty);
    const second = await sendBatch(ctx, path, inputs.slice(half), idProperty);
    return new Map([...first, ...second]);
  }
}

/**
 * Splits inputs into rounds whose keys are unique: HubSpot refuses a batch that names one record
 * twice, and two hub records may carry one email (two leads of one person).
 */
export function uniqueRounds(inputs: readonly BatchInput[]): BatchInput[][] {
  const rounds: { keys: Set<string>; inputs: BatchInput[] }[] = [];
  for (const i of inputs) {
    const key = i.key.trim().toLowerCase();
    let round = rounds.find((r) => !r.keys.has(key));
    if (!round) rounds.push((round = { keys: new Set(), inputs: [] }));
    round.keys.add(key);
    round.inputs.push(i);
  }
  return rounds.map((r) => r.inputs);
}
