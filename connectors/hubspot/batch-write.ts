import { sendSplitting } from '../../src/sdk/batch-sink.ts';
import type { SinkResult } from '../../src/sdk/connector.ts';
import { parseWriteAnswer } from '../../src/sdk/vendor-body.ts';
import { matchResults, type BatchInput } from './batch-results.ts';
import type { HubSpotContext } from './search.ts';
import { readRefusal } from './batch-refusal.ts';
import { BatchBody } from './wire.ts';

/**
 * Sends one batch (`POST {path}` with `{inputs}`) and returns a result per input. HubSpot's v3
 * batch endpoints answer 200, or 207 Multi-Status with an `errors` array when some inputs failed
 * (docs/vendors.md, HubSpot, UNCONFIRMED there; HubSpot's Error handling page documents 207 for batch
 * create with `objectWriteTraceId`, so both are read the same way). A 400 refuses the whole batch
 * for its bad inputs: the SDK's `sendSplitting` finds them, with HubSpot's shortcut that the
 * inputs the answer names (see `readRefusal`) fail at once with its reason and the rest is sent
 * again whole; only when it names none is the batch halved. One bad record never blocks the
 * others. Any other failure is thrown for the engine to classify and retry.
 */
export async function sendBatch(
  ctx: HubSpotContext,
  path: string,
  inputs: readonly BatchInput[],
  idProperty: string | null,
): Promise<Map<number, SinkResult>> {
  const out = new Map<number, SinkResult>();
  if (inputs.length === 0) return out;
  const { refused } = await sendSplitting(
    inputs,
    async (batch) => {
      const res = await ctx.http.post(
        path,
        { inputs: batch.map((i) => i.body) },
        { signal: ctx.signal },
      );
      const body = parseWriteAnswer(BatchBody, res.data, `POST ${path}`);
      for (const [k, r] of matchResults(batch, body, idProperty)) out.set(k, r);
    },
    (err) => readRefusal(err, [], idProperty)?.reason ?? null,
    {
      named: (err, batch) => {
        const refusal = readRefusal(err, batch, idProperty);
        const named = new Map<BatchInput, { reason: string; field?: string }>();
        for (const [input, prop] of refusal?.named ?? [])
          named.set(input, { reason: refusal!.reason, ...fieldOf(prop) });
        return named;
      },
    },
  );
  for (const r of refused) {
    const field = r.field ? { field: r.field } : {};
    out.set(r.item.index, { ok: false, retryable: false, reason: r.reason, ...field });
  }
  return out;
}

/** The field at fault, as a sink result names it, when HubSpot's answer names a property. */
const fieldOf = (prop: string | undefined) => (prop ? { field: `properties.${prop}` } : {});

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
