import { AuthError, ParkedError, PermanentError, RetryableError } from './errors.ts';

/** How a call is retried. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** First backoff; doubles each time. */
  baseDelayMs: number;
  /** Longest single wait (a vendor's Retry-After beyond this still counts, up to `maxRetryAfterMs`). */
  maxDelayMs: number;
  /** Longest Retry-After honoured before the run gives up and the job is retried later. */
  maxRetryAfterMs: number;
}

/**
 * Default: 8 tries, 250 ms doubling to 30 s, Retry-After (and vendor delay fields) honoured up to
 * 5 minutes in the run; a longer wait parks the run (`ParkedError`) and reschedules its job.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
};

/** Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + random() * (cap / 2));
}

/**
 * Runs `fn`, classifying failures with `classify` and retrying the retryable ones. A vendor's
 * Retry-After wins over the computed backoff. `onRetry` hears each wait (the engine uses it to
 * pause the connection's shared rate limiter, so every worker slows down).
 * Auth and permanent errors are thrown at once.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  opts: {
    classify: (err: unknown) => Error;
    policy?: RetryPolicy;
    onRetry?: (info: {
      attempt: number;
      waitMs: number;
      error: RetryableError;
    }) => void | Promise<void>;
    signal?: AbortSignal;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  },
): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY;
  const sleep = opts.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (raw) {
      const err = opts.classify(raw);
      if (err instanceof AuthError || err instanceof PermanentError) throw err;
      const retryable = err instanceof RetryableError ? err : new RetryableError(err.message);
      if (attempt + 1 >= policy.attempts) throw retryable;
      if (retryable.retryAfterMs !== null && retryable.retryAfterMs > policy.maxRetryAfterMs)
        throw new ParkedError(retryable, Date.now() + retryable.retryAfterMs);
      const waitMs = Math.max(retryable.retryAfterMs ?? 0, backoffMs(attempt, policy));
      await opts.onRetry?.({ attempt, waitMs, error: retryable });
      await sleep(waitMs, opts.signal);
    }
  }
}

/** setTimeout as a promise that rejects when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
