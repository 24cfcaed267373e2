import type { SinkResult } from '../../src/sdk/connector.ts';
import {
  answerClassifier,
  classifierOf,
  RETRY_AFTER,
  type ErrorTable,
  type VendorAnswer,
} from '../../src/sdk/error-table.ts';
import { AuthError, PermanentError } from '../../src/sdk/errors.ts';
import { PENDING_BATCHES_WAIT_MS } from './limits.ts';

/**
 * Mailchimp's error body, `application/problem+json` (RFC 7807): `{type, title, status, detail,
 * instance}` plus `errors[{field, message}]` on validation failures. the vendor notes we began from marked the exact
 * shape UNCONFIRMED; recorded vendor answers in public test fixtures (grouparoo's Mailchimp
 * plugin: "Invalid Resource" with `errors: [{ field: "LTV", message: "Please enter a number" }]`)
 * confirm it. Every field stays optional.
 */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: { field?: string; message?: string }[];
}

/** The problem document in a response body (object or JSON text), or null. */
export function problemOf(data: unknown): Problem | null {
  let body = data;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return null;
    }
  }
  if (typeof body !== 'object' || body === null) return null;
  const p = body as Problem;
  return typeof p.title === 'string' || typeof p.detail === 'string' ? p : null;
}

/** "Title: detail (FIELD: message)", for quarantine reasons and logs. */
function describe(status: number, p: Problem | null): string {
  if (!p) return `Mailchimp answered ${status}`;
  const head = [p.title, p.detail].filter(Boolean).join(': ');
  const fields = (p.errors ?? []).map((e) => `${e.field ?? '?'}: ${e.message ?? '?'}`).join('; ');
  return `${head || `Mailchimp answered ${status}`}${fields ? ` (${fields})` : ''}`;
}

const problem = (a: VendorAnswer) => problemOf(a.body);

/**
 * Mailchimp's answers, by status and problem document (used for direct calls and for each
 * operation of a batch; docs/vendors.md (Mailchimp)):
 * - 401 → auth. 403 with a problem document ("API Key Invalid", "User Disabled", wrong data
 *   center) → auth; a bare 403 without one is Mailchimp's edge throttling at high volume
 *   (api-evangelist mailchimp-rate-limits.yml, from the Fundamentals page) → retryable.
 * - 429 (more than 10 simultaneous connections), 408, 5xx → retryable (Mailchimp sends no
 *   Retry-After; one is honoured if it comes). "more than 500 pending batches" → retryable
 *   after a minute (public code).
 * - anything else → per record, naming the first invalid field.
 */
export const mailchimpErrors: ErrorTable = {
  field: 'errors.0.field',
  describe: (a) => describe(a.status, problem(a)),
  rules: [
    { status: 401, kind: 'auth' },
    { status: 403, body: { path: 'title', matches: /.*/ }, kind: 'auth' },
    { status: 403, body: { path: 'detail', matches: /.*/ }, kind: 'auth' },
    { status: [403, 408, 429], kind: 'retryable', wait: [RETRY_AFTER] },
    { status: { min: 500, max: 599 }, kind: 'retryable', wait: [RETRY_AFTER] },
    {
      body: { path: 'detail', matches: /pending batches/i },
      kind: 'retryable',
      wait: [{ fixedMs: PENDING_BATCHES_WAIT_MS }],
    },
    { kind: 'per-record' },
  ],
};

const classifyAnswer = answerClassifier(mailchimpErrors);

/** One answer (a batch operation's status and problem document) through the table. */
export function classifyStatus(status: number, p: Problem | null): Error {
  return classifyAnswer({ status, body: p, headers: {}, what: 'Mailchimp' })!;
}

/** The table as a classifier of failed calls. */
export const classifyMailchimpError = classifierOf(mailchimpErrors);

/** One member's failed write as a sink result. Auth failures stop the whole write (rethrown). */
export function failureOf(err: unknown): SinkResult {
  const e = classifyMailchimpError(err);
  if (e instanceof AuthError) throw e;
  if (e instanceof PermanentError)
    return { ok: false, retryable: false, reason: e.message, field: e.field ?? undefined };
  return { ok: false, retryable: true, reason: e.message };
}
