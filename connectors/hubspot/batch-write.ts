import type { SinkResult } from '../../src/sdk/connector.ts';
import { matchResults, type BatchInput } from './batch-results.ts';
import type { HubSpotContext } from './search.ts';
import { readRefusal } from './batch-refusal.ts';
import { BatchBody, parseBody } from './wire.ts';

/**
 * Sends one batch (`POST {path}` with `{inputs}`) and returns a result per input. HubSpot's v3
 * batch endpoints answer 200, or 207 Multi-Status with an `errors` array when some inputs failed
 * (reference §6.1, UNCONFIRMED there; HubSpot's Error handling page documents 207 for batch
 * create with `objectWriteTraceId`, so both are read the same way). A 400 refuses the whole batch
 * for its bad inputs: the inputs it names (see `readRefusal`) fail with its reason and the rest is
 * sent again at once; only when it names none is the batch halved, until the refused inputs stand
 * alone. One bad record never blocks the others, and a batch costs one more request per distinct
 * bad value HubSpot names. Any other failure is thrown for the engine to classify and retry.
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
    const refused = readRefusal(err, inputs, idProperty);
    if (refused === null) throw err;
    const fail = (field: string | undefined): SinkResult => ({
      ok: false,
      retryable: false,
      reason: refused.reason,
      ...(field ? { field: `properties.${field}` } : {}),
    });
    if (inputs.length === 1)
      return new Map([[inputs[0]!.index, fail(refused.named.get(inputs[0]!))]]);
    if (refused.named.size > 0) {
      const out = new Map<number, SinkResult>();
      for (const [i, field] of refused.named) out.set(i.index, fail(field));
      const rest = inputs.filter((i) => !refused.named.has(i));
      for (const [k, r] of await sendBatch(ctx, path, rest, idProperty)) out.set(k, r);
      return out;
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
