import { z } from 'zod';

import { lifecycleStage } from '../../src/canonical/lead.ts';
import { requestsPerSecond } from '../../src/sdk/settings.ts';
import {
  DEFAULT_API_HOST,
  DEFAULT_INDEX_LAG_MS,
  MAX_BATCH_INPUTS,
  MAX_SEARCH_PAGE_SIZE,
  SEARCH_REQUESTS_PER_SECOND,
} from './limits.ts';

/** The engagement objects the `engagements` stream can read. */
export const ENGAGEMENT_TYPES = ['calls', 'emails', 'meetings', 'communications'] as const;
/** One engagement object type. */
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];

const propertyName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'a HubSpot internal property name, e.g. dms_deal_number');

/** Settings of a HubSpot connection (private app). */
export const HubSpotSettings = z.object({
  apiHost: z
    .url()
    .default(DEFAULT_API_HOST)
    .describe('HubSpot API host; override for a sandbox proxy or tests'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_SEARCH_PAGE_SIZE)
    .default(100)
    .describe('Records per search page (HubSpot allows up to 200)'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_BATCH_INPUTS)
    .default(MAX_BATCH_INPUTS)
    .describe('Inputs per batch upsert'),
  requestsPerSecond: requestsPerSecond(
    SEARCH_REQUESTS_PER_SECOND,
    SEARCH_REQUESTS_PER_SECOND,
    'Shared request budget of the connection, every call',
  ),
  searchRequestsPerSecond: z
    .number()
    .positive()
    .max(SEARCH_REQUESTS_PER_SECOND)
    .default(SEARCH_REQUESTS_PER_SECOND)
    .describe(
      'Search requests per second, evenly spaced, across every worker (HubSpot allows 4-5)',
    ),
  indexLagMs: z
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(DEFAULT_INDEX_LAG_MS)
    .describe('How far behind its last seen change each run starts again (search indexing lag)'),
  contactIdProperty: propertyName
    .default('email')
    .describe('Unique contact property that batch upserts match on'),
  dealIdProperty: propertyName
    .default('dms_deal_number')
    .describe('Custom unique deal property that batch upserts match on, e.g. dms_deal_number'),
  dealPipeline: z
    .string()
    .min(1)
    .default('default')
    .describe('Pipeline of deals the hub creates (a DMS sale), when the record names none'),
  soldDealStage: z
    .string()
    .min(1)
    .default('closedwon')
    .describe('Deal stage id of deals the hub creates (a DMS sale), when the record names none'),
  dealStages: z
    .record(z.string().min(1), lifecycleStage)
    .default({})
    .describe(
      'Deal stage id → lifecycle stage, per pipeline stage of this account, e.g. {"12345": "appointment"}',
    ),
  engagementTypes: z
    .array(z.enum(ENGAGEMENT_TYPES))
    .min(1)
    .default([...ENGAGEMENT_TYPES])
    .describe('Engagement objects the engagements stream reads'),
  extraProperties: z
    .record(z.string().min(1), z.array(propertyName))
    .default({})
    .describe('More properties to read per object type, e.g. {"contacts": ["trade_in_vin"]}'),
  propertyOptions: z
    .record(z.string().min(1), z.record(propertyName, z.array(z.string())))
    .default({})
    .describe(
      'Values this portal defines per enumeration property, read at `connection test`, e.g. {"contacts": {"hs_lead_status": ["NEW", "OPEN"]}}; a record with another value is quarantined',
    ),
  callOutcomes: z
    .record(z.string().min(1), z.string().min(1))
    .default({})
    .describe('Call disposition GUID → outcome label, for custom dispositions of this account'),
});

/** Credentials: a private app access token (or an OAuth access token), sent as a Bearer token. */
export const HubSpotCredentials = z.object({
  accessToken: z
    .string()
    .min(10)
    .describe('Private app access token (pat-na1-...), sent as Authorization: Bearer'),
});

/** Parsed settings of a HubSpot connection. */
export type HubSpotSettings = z.output<typeof HubSpotSettings>;
/** Parsed credentials of a HubSpot connection. */
export type HubSpotCredentials = z.output<typeof HubSpotCredentials>;
