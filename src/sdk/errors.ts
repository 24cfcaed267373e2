/**
 * The three kinds of failure that decide what the sync engine does next. Connectors classify once,
 * at their edge (see `classifyHttpError`); everything above only looks at these classes.
 */

/** Try again later: timeouts, 5xx, 429 and vendor throttles. `retryAfterMs` is the vendor's wait, if given. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/**
 * The vendor asked to wait longer than a run may sleep (`RetryPolicy.maxRetryAfterMs`): the run is
 * parked and its job rescheduled for `untilMs` (epoch ms) instead of hammering the vendor.
 */
export class ParkedError extends RetryableError {
  constructor(
    cause: RetryableError,
    readonly untilMs: number,
  ) {
    super(
      `${cause.message} (the vendor asked to wait ${Math.round((cause.retryAfterMs ?? 0) / 1000)} s: parked until ${new Date(untilMs).toISOString()})`,
      cause.retryAfterMs,
      cause.status,
    );
    this.name = 'ParkedError';
  }
}

/**
 * The vendor answered a write with a body that cannot be read (a garbled or truncated 200): it is
 * up, but what it did with the batch is unknown. Retryable (the same idempotency keys make a
 * resend harmless); when every retry fails alike, the engine dead-letters the batch's records and
 * moves on, since an answer that never parses is about this batch, not an outage.
 */
export class UnreadableAnswerError extends RetryableError {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableAnswerError';
  }
}

/** Credentials are missing, expired or refused: mark the connection broken and stop the run. */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/**
 * The request can never succeed as sent (a 400 on a whole request, a malformed payload).
 * For one record of a batch, sinks return a per-record failure instead of throwing this.
 */
export class PermanentError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * A request that can never succeed although no record in it is at fault (wrong settings, a
 * missing account or bucket): the run fails, and a refused batch is not split to find a culprit.
 */
export class FatalError extends PermanentError {
  constructor(message: string, status: number | null = null) {
    super(message, status);
    this.name = 'FatalError';
  }
}

/** Any of the three classified errors. */
export type ClassifiedError = RetryableError | AuthError | PermanentError;

/** True when `err` has already been classified. */
export function isClassified(err: unknown): err is ClassifiedError {
  return err instanceof RetryableError || err instanceof AuthError || err instanceof PermanentError;
}
