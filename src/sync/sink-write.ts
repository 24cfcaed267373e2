import { sendSplitting } from '../sdk/batch-sink.ts';
import type { SinkDef, SinkItem, SinkResult } from '../sdk/connector.ts';
import { FatalError, PermanentError, UnreadableAnswerError } from '../sdk/errors.ts';
import type { ConnectionRuntime } from './connection-runtime.ts';

/** Run note: requests a sink call took beyond one per batch, to find the records it refused. */
export const SPLIT_REQUESTS = 'splitRequests';
/** Run note: batches a sink refused whole (400, 413) that were split to find their bad records. */
export const REFUSED_BATCHES = 'refusedBatches';

/** The results of one sink call, one per item, and what it took. */
export interface SinkCall {
  results: SinkResult[];
  /**
   * Items whose unreadable answers already had every retry with backoff (`rt.call`): they are
   * dead letters now, not tried again.
   */
  exhausted: ReadonlySet<number>;
  /** Sink writes made (one when nothing was refused). */
  requests: number;
}

/**
 * Statuses of a whole-batch answer that refuse what the batch holds: 400 Bad Request and 422
 * Unprocessable Content (a record the vendor cannot take), 413 Content Too Large (RFC 9110
 * §15.5.14: the batch is too big). Any other permanent failure (404 of a wrong URL, 405) is about
 * the request, not the records: splitting would send every record alone for nothing.
 */
const REFUSING_STATUSES = new Set([400, 413, 422]);

/** Why the sink refused a batch for its content, or null (the error is thrown on). */
const refusalOf = (err: unknown): string | null =>
  err instanceof PermanentError &&
  !(err instanceof FatalError) &&
  err.status !== null &&
  REFUSING_STATUSES.has(err.status)
    ? err.message
    : null;

/** A sink's answer must have one result per item: anything else is a connector bug. */
class ResultCountError extends Error {
  constructor(sink: string, got: number, want: number) {
    super(`sink ${sink} answered ${got} results for ${want} items`);
    this.name = 'ResultCountError';
  }
}

/**
 * Writes items through a sink, each call under the connection's rate limit and retries
 * (`rt.call`). A batch the sink refuses whole (it threw a `PermanentError`: a 400 for one bad
 * record, a 413) is split with `sendSplitting` until the refused records stand alone, so the rest
 * is delivered and each refused record fails alone with the vendor's reason. An unreadable answer
 * that outlasts every retry fails the items not yet delivered, as retryable and `exhausted` (the
 * caller dead-letters them and the sync moves on); any other failure is thrown.
 */
export async function writeSplitting(
  rt: ConnectionRuntime,
  sinkName: string,
  sink: SinkDef<unknown, unknown>,
  items: readonly SinkItem[],
): Promise<SinkCall> {
  const results = new Map<number, SinkResult>();
  const exhausted = new Set<number>();
  const indexes = items.map((_, i) => i);
  let requests = 0;
  try {
    const out = await sendSplitting(
      indexes,
      async (batch) => {
        requests++;
        const answer = await rt.call(() =>
          sink.write(
            rt.ctx,
            batch.map((i) => items[i]!),
          ),
        );
        if (answer.length !== batch.length)
          throw new ResultCountError(sinkName, answer.length, batch.length);
        batch.forEach((i, j) => results.set(i, answer[j]!));
      },
      refusalOf,
    );
    for (const r of out.refused) results.set(r.item, refusedResult(r.reason, r.field));
  } catch (err) {
    // An unreachable or overloaded vendor (5xx, 429, resets past every retry) says nothing about
    // the records: the run fails and its job is retried later with the cursor kept. An answer
    // that never parses is about this batch: its undelivered records become dead letters.
    if (!(err instanceof UnreadableAnswerError)) throw err;
    for (const i of indexes) {
      if (results.has(i)) continue;
      results.set(i, { ok: false, retryable: true, reason: err.message });
      exhausted.add(i);
    }
  }
  return { results: indexes.map((i) => results.get(i)!), exhausted, requests };
}

const refusedResult = (reason: string, field: string | undefined): SinkResult => ({
  ok: false,
  retryable: false,
  reason,
  ...(field ? { field } : {}),
});
