import axios from 'axios';

import { DEFAULT_TIMEOUT_MS } from '../../src/sdk/http.ts';
import { AuthError, PermanentError, RetryableError } from '../../src/sdk/errors.ts';
import { redactAxiosError } from '../../src/sdk/redact.ts';
import { abortableSleep } from '../../src/sdk/retry.ts';
import { retrying, type MailchimpContext } from './call.ts';
import { classifyStatus, problemOf } from './errors.ts';
import { MAX_RESULTS_BYTES } from './limits.ts';
import { BatchResultFile, BatchStatus, parseBody } from './schemas.ts';
import { readTarGz, TarError } from './tar.ts';

/** One operation of `POST /batches` (Arcadier/Mailchimp-Exporter wiki): `body` is the JSON text of the request body. */
export interface Operation {
  method: 'PATCH' | 'POST';
  path: string;
  params?: Record<string, string | number | boolean>;
  body: string;
  operation_id: string;
}

/** Each operation's outcome by `operation_id`: null when it succeeded, else its classified error. */
export type Outcomes = Map<string, Error | null>;

/** Submits one batch and polls it until `finished` (Arcadier/Mailchimp-Exporter wiki, public code). */
async function submitAndWait(ctx: MailchimpContext, ops: Operation[]): Promise<BatchStatus> {
  const submitted = await retrying(ctx, () =>
    ctx.http.post('/batches', { operations: ops }, { signal: ctx.signal }),
  );
  let batch = parseBody(BatchStatus, submitted.data, 'POST /batches');
  const deadline = Date.now() + ctx.settings.batchTimeoutMs;
  while (batch.status !== 'finished') {
    if (Date.now() >= deadline) {
      throw new RetryableError(`batch ${batch.id} still ${batch.status}; the write will be redone`);
    }
    await abortableSleep(ctx.settings.batchPollMs, ctx.signal);
    const id = batch.id;
    const polled = await retrying(ctx, () =>
      ctx.http.get(`/batches/${encodeURIComponent(id)}`, { signal: ctx.signal }),
    );
    batch = parseBody(BatchStatus, polled.data, `GET /batches/${id}`);
  }
  return batch;
}

/**
 * Downloads the results archive (a tar.gz of JSON files, Arcadier/Mailchimp-Exporter wiki). The URL is a pre-signed storage
 * link, so it is fetched without the Mailchimp credentials.
 */
async function downloadResults(ctx: MailchimpContext, url: string): Promise<Outcomes> {
  const res = await retrying(ctx, () =>
    axios
      .get<ArrayBuffer>(url, {
        responseType: 'arraybuffer',
        timeout: DEFAULT_TIMEOUT_MS,
        maxContentLength: MAX_RESULTS_BYTES,
        signal: ctx.signal,
      })
      .catch((err: unknown) => Promise.reject(redactAxiosError(err))),
  );
  const outcomes: Outcomes = new Map();
  try {
    const entries = await readTarGz(Buffer.from(res.data), MAX_RESULTS_BYTES * 20);
    for (const entry of entries.filter((e) => e.name.endsWith('.json'))) {
      const results = parseBody(
        BatchResultFile,
        JSON.parse(entry.body.toString('utf8')),
        entry.name,
      );
      for (const r of results) {
        if (!r.operation_id) continue;
        if (r.status_code < 300) outcomes.set(r.operation_id, null);
        else outcomes.set(r.operation_id, operationError(r.status_code, r.response));
      }
    }
  } catch (err) {
    if (err instanceof TarError || err instanceof SyntaxError || err instanceof PermanentError)
      throw new RetryableError(`batch results unreadable: ${(err as Error).message}`);
    throw err;
  }
  return outcomes;
}

/**
 * One operation's failure. Its credentials were accepted (the batch ran), so a 401/403 here is
 * about that record, not the connection: permanent for the record.
 */
function operationError(status: number, response: string | null | undefined): Error {
  const err = classifyStatus(status, problemOf(response ?? ''));
  return err instanceof AuthError ? new PermanentError(err.message, status) : err;
}

/**
 * Runs operations as batches of `operationsPerBatch`, one after the other (Mailchimp runs one
 * batch at a time per account), and returns every operation's outcome. A finished batch with no
 * errored operation is all success without downloading its results; an operation missing from
 * the results is retryable.
 */
export async function runOperations(ctx: MailchimpContext, ops: Operation[]): Promise<Outcomes> {
  const outcomes: Outcomes = new Map();
  const size = ctx.settings.operationsPerBatch;
  for (let i = 0; i < ops.length; i += size) {
    const chunk = ops.slice(i, i + size);
    const batch = await submitAndWait(ctx, chunk);
    ctx.log.info(
      { batchId: batch.id, total: batch.total_operations, errored: batch.errored_operations },
      'mailchimp batch finished',
    );
    let results: Outcomes = new Map();
    if (batch.errored_operations === 0)
      results = new Map(chunk.map((op) => [op.operation_id, null]));
    else if (batch.response_body_url) results = await downloadResults(ctx, batch.response_body_url);
    for (const op of chunk) {
      const result = results.get(op.operation_id);
      outcomes.set(
        op.operation_id,
        result !== undefined
          ? result
          : new RetryableError(`batch ${batch.id} has no result for ${op.operation_id}`),
      );
    }
  }
  return outcomes;
}
