import { createHash, timingSafeEqual } from 'node:crypto';

import type { z } from 'zod';

import { PermanentError, UnreadableAnswerError } from './errors.ts';

/**
 * Parses a vendor's answer with a schema, or fails the call as permanent, naming the first bad
 * field (`GET /contacts: results.0.id Required`). Vendors that change a payload
 * shape fail loudly here instead of feeding bad data into a sync.
 */
export function parseVendorBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
): z.output<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(body)';
  throw new PermanentError(`${what}: ${field} ${issue.message}`, null, field);
}

/** A webhook body as JSON, or a permanent error (answered 400) saying it is not JSON. */
export function jsonBody(raw: Buffer, what: string): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new PermanentError(`${what}: body is not JSON`, 400);
  }
}

/**
 * Parses a vendor's answer to a write. An answer that does not parse (a garbled or truncated 200)
 * says nothing about what was written, so it is retryable, not permanent: the write is sent again
 * with the same idempotency keys (harmless to a vendor that honours them), with backoff, and the
 * records become dead letters if it never answers sensibly (`UnreadableAnswerError`).
 */
export function parseWriteAnswer<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
): z.output<S> {
  try {
    return parseVendorBody(schema, body, what);
  } catch (err) {
    throw new UnreadableAnswerError(
      `${(err as Error).message} (the answer to a write cannot be read)`,
    );
  }
}

/**
 * Compares a secret a caller sent with the expected one in constant time, whatever their lengths
 * (both are hashed first, so the comparison time says nothing about the expected value).
 */
export function secretsEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const digest = (v: string | Buffer) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length;
}
