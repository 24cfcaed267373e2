import type { AxiosInstance } from 'axios';

import { httpClientOf } from '../../src/sdk/http.ts';
import type { RateLimitHeaders } from '../../src/sdk/rate-limit.ts';
import { DAILY_LIMIT_RETRY_MS, ROLLING_WINDOW_MS } from './limits.ts';
import type { HubSpotCredentials, HubSpotSettings } from './settings.ts';

/** Response header of the rolling window length, in ms (API usage guidelines). */
export const INTERVAL_HEADER = 'x-hubspot-ratelimit-interval-milliseconds';

/**
 * HubSpot's rate limit headers (API usage guidelines; search answers carry none): when
 * `X-HubSpot-RateLimit-Remaining` reaches 0 the next call waits out the window
 * (`X-HubSpot-RateLimit-Interval-Milliseconds`, else 10 s), and when the daily budget is spent
 * calls fail as retryable at once (the job is retried later) instead of spending the 5% error
 * budget on 429s.
 */
export const HUBSPOT_RATE_HEADERS: RateLimitHeaders = {
  vendor: 'HubSpot',
  remaining: 'x-hubspot-ratelimit-remaining',
  window: { header: INTERVAL_HEADER, unit: 'ms' },
  windowMs: ROLLING_WINDOW_MS,
  daily: { remaining: 'X-HubSpot-RateLimit-Daily-Remaining', waitMs: DAILY_LIMIT_RETRY_MS },
};

/**
 * The HTTP client of a HubSpot connection: base URL from settings, private app token as Bearer,
 * paced by HubSpot's rate limit headers (`HUBSPOT_RATE_HEADERS`).
 */
export function createHubSpotClient(s: HubSpotSettings, c: HubSpotCredentials): AxiosInstance {
  return httpClientOf({
    baseUrl: s.apiHost,
    auth: { kind: 'bearer', token: c.accessToken },
    headers: { 'content-type': 'application/json' },
    rateLimit: HUBSPOT_RATE_HEADERS,
  });
}
