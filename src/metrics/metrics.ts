import { Counter, Histogram, Registry } from 'prom-client';

import { AuthError, PermanentError, RetryableError } from '../sdk/errors.ts';

/** The process's Prometheus registry: what `GET /metrics` serves. */
export const registry = new Registry();

/** Records read in and written out, per connector, stream and outcome (a run's counts). */
export const recordsTotal = new Counter({
  name: 'dealerloop_records_total',
  help: 'Records moved by sync runs, by connector, stream, direction (in|out) and outcome',
  labelNames: ['connector', 'stream', 'direction', 'outcome'] as const,
  registers: [registry],
});

/** How long runs take, by connector, mode and final status. */
export const runDuration = new Histogram({
  name: 'dealerloop_run_duration_seconds',
  help: 'Duration of finished sync runs',
  labelNames: ['connector', 'mode', 'status'] as const,
  buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 1800, 7200],
  registers: [registry],
});

/** Vendor call failures, by connector and class (retryable, auth, permanent, other). */
export const errorsTotal = new Counter({
  name: 'dealerloop_vendor_errors_total',
  help: 'Failed vendor calls, by connector and error class',
  labelNames: ['connector', 'class'] as const,
  registers: [registry],
});

/** Vendor answers of 429 Too Many Requests, by connector. */
export const throttledTotal = new Counter({
  name: 'dealerloop_vendor_429_total',
  help: 'Vendor calls answered 429 (rate limited), by connector',
  labelNames: ['connector'] as const,
  registers: [registry],
});

/** Time to answer a webhook delivery, by connector and HTTP status. */
export const webhookLatency = new Histogram({
  name: 'dealerloop_webhook_duration_seconds',
  help: 'Time from receiving a webhook to answering it',
  labelNames: ['connector', 'status'] as const,
  buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10],
  registers: [registry],
});

/** The class label of a failure. */
export function errorClass(err: unknown): 'retryable' | 'auth' | 'permanent' | 'other' {
  if (err instanceof RetryableError) return 'retryable';
  if (err instanceof AuthError) return 'auth';
  if (err instanceof PermanentError) return 'permanent';
  return 'other';
}

/** Counts one failed vendor call (and a 429 when it was one). */
export function countVendorError(connector: string, err: unknown): void {
  errorsTotal.inc({ connector, class: errorClass(err) });
  if (err instanceof RetryableError && err.status === 429) throttledTotal.inc({ connector });
}
