import type { AxiosInstance, AxiosResponse } from 'axios';

import { RetryableError } from './errors.ts';
import { abortableSleep } from './retry.ts';

/** How a rate-limit header counts time: a length (`ms`, `s`) or a moment (`epoch-s`, `epoch-ms`). */
export type ResetUnit = 'ms' | 's' | 'epoch-s' | 'epoch-ms';

/**
 * The rate-limit headers of a vendor's answers, declared (`HttpSpec.rateLimit`). When the
 * `remaining` header reaches 0, the connection's client holds its next request until the window
 * resets (`reset`, else `window`, else `windowMs`); when the `daily` remaining header reaches 0,
 * calls fail at once as retryable with `daily.waitMs` (a wait beyond what a run may sleep parks
 * the run and retries its job later) instead of collecting 429s. Waits the vendor announces on a
 * refused call (Retry-After, seconds or an HTTP date) belong to the error table (`RETRY_AFTER`).
 *
 * @example
 * rateLimit: {
 *   remaining: 'x-ratelimit-remaining',
 *   reset: { header: 'x-ratelimit-reset', unit: 'epoch-s' },
 * }
 */
export interface RateLimitHeaders {
  /** Requests left in the current window. */
  remaining: string;
  /** When the window resets: a length from now or a moment. */
  reset?: { header: string; unit: ResetUnit };
  /** The window's length, when the vendor sends that rather than a reset. */
  window?: { header: string; unit: 'ms' | 's' };
  /** The window assumed when neither header is sent. */
  windowMs: number;
  /** Requests left today and how long a spent day waits. */
  daily?: { remaining: string; waitMs: number };
  /** Names the vendor in messages. */
  vendor: string;
}

/** What the headers of the last answers said about the budget left. */
interface Budget {
  /** No request before this time (epoch ms): the window is spent. */
  notBefore: number;
  /** The day's requests are spent. */
  dailySpent: boolean;
}

function headerNumber(res: AxiosResponse, name: string): number | null {
  const raw: unknown = res.headers[name.toLowerCase()];
  const n = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** Milliseconds until the window resets, as the answer's headers say. */
function windowLeftMs(spec: RateLimitHeaders, res: AxiosResponse, now: number): number {
  const reset = spec.reset && headerNumber(res, spec.reset.header);
  if (spec.reset && reset !== null && reset !== undefined) {
    const u = spec.reset.unit;
    if (u === 'ms') return reset;
    if (u === 's') return reset * 1000;
    return (u === 'epoch-s' ? reset * 1000 : reset) - now;
  }
  const window = spec.window && headerNumber(res, spec.window.header);
  if (spec.window && window !== null && window !== undefined)
    return spec.window.unit === 's' ? window * 1000 : window;
  return spec.windowMs;
}

/** Notes what an answer's headers say; returns the ms the window stays spent, or null. */
function observe(spec: RateLimitHeaders, budget: Budget, res: AxiosResponse, now = Date.now()) {
  if (spec.daily && headerNumber(res, spec.daily.remaining) === 0) budget.dailySpent = true;
  if (headerNumber(res, spec.remaining) !== 0) return null;
  const left = windowLeftMs(spec, res, now);
  budget.notBefore = Math.max(budget.notBefore, now + left);
  return left > 0 ? left : null;
}

/**
 * Holds every worker process of the connection for `ms`: the runtime passes its shared Redis
 * limiter's pause (src/sync/rate-limiter.ts), see `shareRateLimitWindow`.
 */
export type WindowHold = (ms: number) => Promise<void>;

/** The shared holds of the clients that have declared rate-limit headers. */
const sharedHolds = new WeakMap<AxiosInstance, { hold: WindowHold | null }>();

/**
 * Makes the rate-limit headers of `http` hold every process of its connection, not only this
 * one: a spent window (`remaining` 0) is passed to `hold` (awaited before the answer is returned,
 * so the next request anywhere sees it). False when the client declared no rate-limit headers.
 * The daily budget stays per process: a spent day fails calls at once rather than making other
 * processes sleep for hours.
 */
export function shareRateLimitWindow(http: AxiosInstance, hold: WindowHold): boolean {
  const shared = sharedHolds.get(http);
  if (shared) shared.hold = hold;
  return shared !== undefined;
}

/** Installs the declared rate-limit headers on a client (see `RateLimitHeaders`). */
export function installRateLimitHeaders(http: AxiosInstance, spec: RateLimitHeaders): void {
  const budget: Budget = { notBefore: 0, dailySpent: false };
  const shared: { hold: WindowHold | null } = { hold: null };
  sharedHolds.set(http, shared);
  const seen = async (res: AxiosResponse) => {
    const spentMs = observe(spec, budget, res);
    if (spentMs !== null && shared.hold) await shared.hold(spentMs);
  };
  http.interceptors.request.use(async (config) => {
    if (budget.dailySpent && spec.daily) {
      throw new RetryableError(
        `${spec.vendor} daily request limit is spent (${spec.daily.remaining}: 0)`,
        spec.daily.waitMs,
        429,
      );
    }
    const wait = budget.notBefore - Date.now();
    if (wait > 0) await abortableSleep(wait, config.signal as AbortSignal | undefined);
    return config;
  });
  http.interceptors.response.use(
    async (res) => {
      await seen(res);
      return res;
    },
    async (err: unknown) => {
      const res = (err as { response?: AxiosResponse }).response;
      if (res) await seen(res);
      throw err;
    },
  );
}
