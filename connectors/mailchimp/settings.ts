import { IANAZone } from 'luxon';
import { z } from 'zod';

import {
  DEFAULT_OPERATIONS_PER_BATCH,
  MAX_OPERATIONS_PER_BATCH,
  MAX_PAGE_SIZE,
  MAX_SIMULTANEOUS_CONNECTIONS,
} from './limits.ts';

/** Member statuses Mailchimp accepts on writes (hexdocs.pm/mailchimp Mailchimp.Member; `archived` only appears in answers). */
export const MEMBER_STATUSES = [
  'subscribed',
  'unsubscribed',
  'cleaned',
  'pending',
  'transactional',
] as const;

/** A member status Mailchimp accepts on writes. */
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

const tagName = z.string().trim().min(1).max(100);

/** Settings of a Mailchimp connection: one audience (list), with host and behaviour overrides. */
export const MailchimpSettings = z.object({
  listId: z
    .string()
    .regex(/^[A-Za-z0-9]+$/, 'letters and digits only')
    .describe(
      'Audience (list) id, e.g. a1b2c3d4e5 (Audience → Settings → Audience name and defaults)',
    ),
  baseUrl: z
    .url()
    .optional()
    .describe('API base URL override, e.g. a proxy; default https://{dc}.api.mailchimp.com/3.0'),
  dataCenter: z
    .string()
    .regex(/^[a-z]+\d+$/, 'a data center such as us14')
    .optional()
    .describe('Data center, e.g. us14; taken from the API key when not given (needed for OAuth)'),
  maxConnections: z
    .number()
    .int()
    .min(1)
    .max(MAX_SIMULTANEOUS_CONNECTIONS)
    .default(MAX_SIMULTANEOUS_CONNECTIONS)
    .describe(
      'Calls in flight at once for this connection; lower it when other apps share the account',
    ),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(500)
    .describe('Records asked for per page (count)'),
  // No status for new members: the hub never creates members (it only updates people already on
  // the list), and the only status it ever writes is an unsubscribe (never a re-subscribe).
  enforceStatuses: z
    .array(z.enum(['unsubscribed']))
    .default(['unsubscribed'])
    .describe(
      'Canonical statuses written to members: ["unsubscribed"] propagates opt-outs, [] none',
    ),
  skipMergeValidation: z
    .boolean()
    .default(false)
    .describe('Accept members missing merge fields the audience requires (skip_merge_validation)'),
  lifecycleTags: z
    .object({
      prospect: tagName.default('prospect'),
      owner: tagName.default('owner'),
      service: tagName.default('service'),
    })
    .default({ prospect: 'prospect', owner: 'owner', service: 'service' })
    .describe('Mailchimp tag names of the lifecycle stages, e.g. { owner: "Customer" }'),
  batchThreshold: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('Members per write from which batch operations are used instead of one call each'),
  operationsPerBatch: z
    .number()
    .int()
    .min(1)
    .max(MAX_OPERATIONS_PER_BATCH)
    .default(DEFAULT_OPERATIONS_PER_BATCH)
    .describe('Operations per POST /batches'),
  batchPollMs: z
    .number()
    .int()
    .min(0)
    .default(5_000)
    .describe('Wait between polls of a running batch'),
  batchTimeoutMs: z
    .number()
    .int()
    .min(1_000)
    .default(30 * 60_000)
    .describe('Give up waiting for a batch after this long (the write is retried later)'),
  itemRetryBaseMs: z
    .number()
    .int()
    .min(0)
    .default(500)
    .describe('First backoff of a per-member call refused with 429/5xx (doubles per retry)'),
  activityActions: z
    .array(z.enum(['open', 'click', 'bounce']))
    .min(1)
    .default(['open', 'click', 'bounce'])
    .describe('Email activity read as touchpoints (bounce: hard bounces only)'),
  activityLookbackDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .default(30)
    .describe('Campaigns sent within this many days are read for new activity'),
  webhookTimeZone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone')
    .default('UTC')
    .describe('Zone of webhook fired_at times ("YYYY-MM-DD HH:MM:SS", no offset)'),
});

/**
 * Credentials: an API key (`<key>-<dc>`, HTTP Basic) or an OAuth access token (Bearer, with
 * `dataCenter` in the settings), and the secret expected in the webhook URL.
 */
export const MailchimpCredentials = z
  .object({
    apiKey: z
      .string()
      .regex(/^[^\s-]+-[a-z]+\d+$/, 'an API key ends with its data center, e.g. …-us14')
      .optional()
      .describe('API key (Account → Extras → API keys), e.g. 0123…cdef-us14'),
    accessToken: z.string().min(1).optional().describe('OAuth 2 access token (instead of a key)'),
    webhookSecret: z
      .string()
      .min(16)
      .optional()
      .describe('Secret put in the webhook URL as ?secret=…; deliveries without it are refused'),
  })
  .refine((c) => !!c.apiKey !== !!c.accessToken, 'give exactly one of apiKey or accessToken');

/** Parsed settings of a Mailchimp connection (defaults applied). */
export type MailchimpSettings = z.output<typeof MailchimpSettings>;
/** Parsed credentials of a Mailchimp connection. */
export type MailchimpCredentials = z.output<typeof MailchimpCredentials>;
