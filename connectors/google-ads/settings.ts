import { z } from 'zod';

import { spendWindowSettings } from '../../src/sdk/spend-window.ts';
import { requestsPerSecond } from '../../src/sdk/settings.ts';
import { DEFAULT_API_VERSION, GOOGLE_ADS_HOST, GOOGLE_TOKEN_URL } from './constants.ts';

const CUSTOMER_ID = /^\s*\d{3}-?\d{3}-?\d{4}\s*$/;
const CONVERSION_ACTION = /^\s*customers\/\d{3}-?\d{3}-?\d{4}\/conversionActions\/\d{1,20}\s*$/;
const digitsOnly = (s: string) => s.trim().replace(/-/g, '');

/**
 * A Google Ads customer id: 10 digits, written with or without dashes (`123-456-7890`), sent
 * without them (docs/vendors.md (Google Ads): the path and `login-customer-id` take digits only).
 */
const customerId = z
  .string()
  .regex(CUSTOMER_ID, 'a 10-digit Google Ads customer id, e.g. 123-456-7890')
  .transform(digitsOnly);

/** Settings of a Google Ads connection: one advertiser account (customer). */
export const GoogleAdsSettings = z.object({
  apiHost: z
    .url()
    .default(GOOGLE_ADS_HOST)
    .describe('Google Ads API host, e.g. https://googleads.googleapis.com'),
  apiVersion: z
    .string()
    .regex(/^v\d{2,3}$/, 'a Google Ads API version such as v26')
    .default(DEFAULT_API_VERSION)
    .describe('Google Ads API version, e.g. v26 (the request shape is the same from v22 on)'),
  tokenUrl: z
    .url()
    .default(GOOGLE_TOKEN_URL)
    .describe('OAuth 2.0 token endpoint, e.g. https://oauth2.googleapis.com/token'),
  customerId: customerId.describe(
    'Advertiser account the conversions go to and spend comes from, e.g. 123-456-7890',
  ),
  loginCustomerId: customerId
    .optional()
    .describe('Manager (MCC) account the calls go through, when there is one, e.g. 987-654-3210'),
  conversionAction: z
    .string()
    .regex(
      CONVERSION_ACTION,
      'a conversion action resource name, e.g. customers/1234567890/conversionActions/987654321',
    )
    .transform(digitsOnly)
    .optional()
    .describe(
      'Conversion action of uploaded sales, e.g. customers/1234567890/conversionActions/987654321',
    ),
  fixedValueCents: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Send every conversion with this value (cents) instead of its own, e.g. 50000'),
  currencyCode: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
    .optional()
    .describe('Currency of values whose record has none (and of fixedValueCents), e.g. USD'),
  userIdentifiers: z
    .enum(['enhanced-only', 'always'])
    .default('enhanced-only')
    .describe(
      'Send hashed email/phone only on enhanced conversions for leads (no click id), or on click conversions too',
    ),
  emailNormalization: z
    .enum(['gmail-dots', 'all-dots-and-plus'])
    .default('gmail-dots')
    .describe(
      "Before hashing: drop '.' from gmail.com/googlemail.com local parts (documented rule), " +
        "or drop '.' and '+' from every local part (the current official sample)",
    ),
  adUserDataConsent: z
    .enum(['GRANTED', 'DENIED'])
    .optional()
    .describe('consent.adUserData sent with every conversion, when set (EEA), e.g. GRANTED'),
  // accountTimeZone is also learned by `connection test` (customer.time_zone).
  ...spendWindowSettings,
  spendWindowDays: z
    .number()
    .int()
    .min(1)
    .max(366)
    .default(31)
    .describe('Days asked for per searchStream call (one stream page)'),
  requestsPerSecond: requestsPerSecond(100, 5),
});
/** Parsed Google Ads settings. */
export type GoogleAdsSettings = z.output<typeof GoogleAdsSettings>;

/**
 * Credentials (stored sealed): the OAuth client and a refresh token authorized for the
 * `https://www.googleapis.com/auth/adwords` scope, and the developer token (docs/vendors.md (Google Ads)).
 */
export const GoogleAdsCredentials = z.object({
  clientId: z
    .string()
    .min(8)
    .describe('OAuth 2.0 client id, e.g. 1234-abc.apps.googleusercontent.com'),
  clientSecret: z.string().min(8).describe('OAuth 2.0 client secret'),
  refreshToken: z.string().min(8).describe('Refresh token authorized for the adwords scope'),
  developerToken: z.string().min(8).describe('Google Ads API developer token'),
});
/** Parsed Google Ads credentials. */
export type GoogleAdsCredentials = z.output<typeof GoogleAdsCredentials>;
