import { z } from 'zod';

import { defineConnector } from '../../src/sdk/connector.ts';
import { clickConversionsSink } from './click-conversions.ts';
import { createGoogleAdsClient, googleOAuth2 } from './client.ts';
import { googleAdsErrors } from './errors.ts';
import { searchStream } from './gaql.ts';
import { GoogleAdsCredentials, GoogleAdsSettings } from './settings.ts';
import { spendStream } from './spend.ts';

/** The account facts `connection test` reads (GAQL `customer` resource fields). */
const CustomerRow = z.object({
  customer: z.object({
    id: z.union([z.string(), z.number()]),
    timeZone: z.string().optional(),
    currencyCode: z.string().optional(),
  }),
});

/**
 * Google Ads API (REST): offline conversions out, spend in.
 *
 * - sink `click-conversions`: uploadClickConversions with partial failure, enhanced conversions
 *   for leads (mapping: mappings/google-ads-conversions.yaml).
 * - stream `spend`: cost per campaign and day by GAQL searchStream (mappings/google-ads-spend.yaml,
 *   and mappings/google-ads-campaigns.yaml for the campaigns' names).
 * - auth: OAuth 2.0 refresh token (src/sdk/oauth2.ts) plus the developer token.
 */
export default defineConnector({
  id: 'google-ads',
  name: 'Google Ads',
  settings: GoogleAdsSettings,
  credentials: GoogleAdsCredentials,
  // Google Ads limits operations per day by developer-token level, not requests per second
  // (docs/vendors.md (Google Ads), developers.google.com/google-ads/api/docs/best-practices/quotas); a few requests at a time per connection stays clear of its rate throttles.
  limits: (s) => ({ requestsPerSecond: s.requestsPerSecond, batchSize: 2000, concurrency: 2 }),
  client: createGoogleAdsClient,
  oauth2: googleOAuth2,
  errors: googleAdsErrors,
  check: async (ctx) => {
    // One authenticated call: the account's own row, which also gives its time zone and currency.
    const [row] = await searchStream(
      ctx,
      'SELECT customer.id, customer.time_zone, customer.currency_code FROM customer LIMIT 1',
      CustomerRow,
    );
    const learned: Record<string, unknown> = {};
    if (row?.customer.timeZone) learned.accountTimeZone = row.customer.timeZone;
    if (row?.customer.currencyCode && !ctx.settings.currencyCode)
      learned.currencyCode = row.customer.currencyCode;
    return { settings: learned };
  },
  streams: { spend: spendStream },
  sinks: { 'click-conversions': clickConversionsSink },
});
