import { AxiosError } from 'axios';

import type { SinkResult } from '../../src/sdk/connector.ts';
import { AuthError, isClassified, PermanentError, RetryableError } from '../../src/sdk/errors.ts';
import { classifyHttpError, parseRetryAfter } from '../../src/sdk/http.ts';
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

/**
 * Classifies a Mailchimp answer by status and problem document (used for direct calls and for
 * each operation of a batch):
 * - 401 → auth. 403 with a problem document ("API Key Invalid", "User Disabled", wrong data
 *   center) → auth; a bare 403 without one is Mailchimp's edge throttling at high volume
 *   (api-evangelist mailchimp-rate-limits.yml, from the Fundamentals page) → retryable.
 * - 429 (more than 10 simultaneous connections), 408, 5xx → retryable (no Retry-After is sent;
 *   the engine backs off). "more than 500 pending batches" → retryable after a minute (public code).
 * - any other 4xx → permanent, naming the first invalid field.
 */
export function classifyStatus(
  status: number,
  p: Problem | null,
  retryAfterMs: number | null = null,
): Error {
  const message = describe(status, p);
  if (status === 401 || (status === 403 && p)) return new AuthError(message, status);
  if (status === 403 || status === 408 || status === 429 || status >= 500)
    return new RetryableError(message, retryAfterMs, status);
  if (/pending batches/i.test(p?.detail ?? ''))
    return new RetryableError(message, PENDING_BATCHES_WAIT_MS, status);
  return new PermanentError(message, status, p?.errors?.[0]?.field ?? null);
}

/** The connector's `classify`: Mailchimp's statuses and problem documents, else the SDK default. */
export function classifyMailchimpError(err: unknown): Error {
  if (isClassified(err)) return err;
  if (err instanceof AxiosError && err.response) {
    const { status, data, headers } = err.response;
    return classifyStatus(status, problemOf(data), parseRetryAfter(headers?.['retry-after']));
  }
  return classifyHttpError(err);
}

/** One member's failed write as a sink result. Auth failures stop the whole write (rethrown). */
export function failureOf(err: unknown): SinkResult {
  const e = classifyMailchimpError(err);
  if (e instanceof AuthError) throw e;
  if (e instanceof PermanentError)
    return { ok: false, retryable: false, reason: e.message, field: e.field ?? undefined };
  return { ok: false, retryable: true, reason: e.message };
}
