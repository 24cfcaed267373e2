import { z } from 'zod';

import { spendWindowSettings } from '../../src/sdk/spend-window.ts';
import { requestsPerSecond } from '../../src/sdk/settings.ts';
import { DEFAULT_API_VERSION, GRAPH_HOST, MAX_PAGE_SIZE } from './constants.ts';

const graphId = z.string().regex(/^\d{5,25}$/, 'a numeric Graph API id');

/** Settings of a Meta connection: one Facebook Page (lead forms) and optionally its ad account. */
export const MetaSettings = z.object({
  graphHost: z
    .url()
    .default(GRAPH_HOST)
    .describe('Graph API host, e.g. https://graph.facebook.com'),
  apiVersion: z
    .string()
    .regex(/^v\d{1,3}\.\d$/, 'a Graph API version such as v25.0')
    .default(DEFAULT_API_VERSION)
    .describe('Graph API version, e.g. v25.0'),
  pageId: graphId
    .optional()
    .describe('Facebook Page whose lead forms are read; webhooks of other Pages are ignored'),
  formIds: z
    .array(graphId)
    .optional()
    .describe('Read only these lead forms (default: every active form of the Page)'),
  adAccountId: z
    .string()
    .regex(/^(act_)?\d{5,25}$/, 'an ad account id, with or without act_')
    .optional()
    .describe('Ad account whose spend is read, e.g. act_1234567890'),
  campaignContext: z
    .enum(['lead-fields', 'ad-lookup', 'none'])
    .default('lead-fields')
    .describe(
      'How campaign, ad set and ad names are found: lead-fields reads them on the lead itself ' +
        '(one call), ad-lookup asks each ad for adset{name} and campaign{name}, none skips them',
    ),
  serverSideFilter: z
    .boolean()
    .default(true)
    .describe(
      'Ask Graph for leads newer than the cursor (filtering=time_created); leads are filtered again locally',
    ),
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(300)
    .describe('Re-read leads this much older than the cursor, for leads that show up late'),
  backfillDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe('How far back the first run (or a backfill) reads leads'),
  ...spendWindowSettings,
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(100)
    .describe('Rows asked for per Graph API page'),
  appSecretProof: z
    .boolean()
    .default(true)
    .describe(
      'Sign calls with appsecret_proof when an App Secret is set (required by apps with "Require App Secret")',
    ),
  pixelId: graphId
    .optional()
    .describe('Dataset (pixel) that receives Conversions API events (sink events)'),
  testEventCode: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a test event code as Events Manager shows it, e.g. TEST12345')
    .optional()
    .describe(
      'Send events as test events (Events Manager, Test events tab); leave empty in production',
    ),
  requestsPerSecond: requestsPerSecond(100, 5),
});

/**
 * Credentials: a long-lived Page (or system user) access token with leads_retrieval and
 * ads_read; the App Secret signs webhooks (and calls); the verify token answers the handshake.
 */
export const MetaCredentials = z.object({
  accessToken: z.string().min(20).describe('Long-lived Page or system user access token'),
  appSecret: z
    .string()
    .min(16)
    .optional()
    .describe('App Secret: key of X-Hub-Signature-256 and of appsecret_proof'),
  verifyToken: z
    .string()
    .min(8)
    .optional()
    .describe('Verify token entered in the app dashboard for the webhook handshake'),
});

/** Parsed settings of a Meta connection. */
export type MetaSettings = z.output<typeof MetaSettings>;
/** Parsed credentials of a Meta connection. */
export type MetaCredentials = z.output<typeof MetaCredentials>;
