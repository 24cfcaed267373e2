import type { AxiosInstance, AxiosResponse } from 'axios';

import { RetryableError } from '../../src/sdk/errors.ts';
import { httpClientOf } from '../../src/sdk/http.ts';
import { abortableSleep } from '../../src/sdk/retry.ts';
import { INTERVAL_HEADER } from './classify.ts';
import { DAILY_LIMIT_RETRY_MS, ROLLING_WINDOW_MS } from './limits.ts';
import type { HubSpotCredentials, HubSpotSettings } from './settings.ts';

/** Rate limit headers of HubSpot answers (API usage guidelines; search answers carry none). */
export const RATE_HEADERS = {
  remaining: 'x-hubspot-ratelimit-remaining',
  interval: INTERVAL_HEADER,
  dailyRemaining: 'x-hubspot-ratelimit-daily-remaining',
} as const;

/** What the headers of the last answers said about the budget left. */
interface Budget {
  /** No request before this time (ms): the rolling window is spent. */
  notBefore: number;
  /** The day's requests are spent: refuse calls instead of collecting 429s. */
  dailySpent: boolean;
}

const headerNumber = (res: AxiosResponse, name: string): number | null => {
  const raw: unknown = res.headers[name];
  const n = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : null;
};

/** Reads the rate limit headers of an answer into the connection's budget. */
function observe(budget: Budget, res: AxiosResponse, now = Date.now()): void {
  if (headerNumber(res, RATE_HEADERS.dailyRemaining) === 0) budget.dailySpent = true;
  if (headerNumber(res, RATE_HEADERS.remaining) === 0) {
    const window = headerNumber(res, RATE_HEADERS.interval) ?? ROLLING_WINDOW_MS;
    budget.notBefore = Math.max(budget.notBefore, now + window);
  }
}

/**
 * The HTTP client of a HubSpot connection: base URL from settings, private app token as Bearer.
 * It also reads HubSpot's rate limit headers: when `X-HubSpot-RateLimit-Remaining` reaches 0 the
 * next call waits out the window, and when the daily budget is spent calls fail as retryable at
 * once (the job is retried later) instead of spending the 5% error budget on 429s.
 */
export function createHubSpotClient(s: HubSpotSettings, c: HubSpotCredentials): AxiosInstance {
  const http = httpClientOf({
    baseUrl: s.apiHost,
    auth: { kind: 'bearer', token: c.accessToken },
    headers: { 'content-type': 'application/json' },
  });
  const budget: Budget = { notBefore: 0, dailySpent: false };
  http.interceptors.request.use(async (config) => {
    if (budget.dailySpent) {
      throw new RetryableError(
        'HubSpot daily request limit is spent (X-HubSpot-RateLimit-Daily-Remaining: 0)',
        DAILY_LIMIT_RETRY_MS,
        429,
      );
    }
    const wait = budget.notBefore - Date.now();
    if (wait > 0) await abortableSleep(wait, config.signal as AbortSignal | undefined);
    return config;
  });
  http.interceptors.response.use(
    (res) => {
      observe(budget, res);
      return res;
    },
    (err: unknown) => {
      const res = (err as { response?: AxiosResponse }).response;
      if (res) observe(budget, res);
      return Promise.reject(err);
    },
  );
  return http;
}
