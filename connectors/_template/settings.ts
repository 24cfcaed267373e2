import { z } from 'zod';

import { requestsPerSecond } from '../../src/sdk/settings.ts';

/**
 * Settings of a connection: what a store's IT types in the set-up form. Every field has a
 * `.describe()` (with an "e.g." example where one helps): the dashboard's form and
 * `dealerloop connector show` are made from this schema (src/sdk/describe.ts).
 */
export const TemplateSettings = z.object({
  baseUrl: z.url().describe('Base URL of the Acme API, e.g. https://api.acme.example/v1'),
  pageSize: z.number().int().min(1).max(500).default(100).describe('Contacts asked for per page'),
  requestsPerSecond: requestsPerSecond(50, 10),
});

/** Credentials: parsed like settings, stored sealed, never logged. */
export const TemplateCredentials = z.object({
  apiKey: z.string().min(1).describe('Sent as X-Api-Key on every call'),
  webhookSecret: z
    .string()
    .min(16)
    .optional()
    .describe('HMAC-SHA256 key of X-Acme-Signature on webhook deliveries'),
});

export type TemplateSettings = z.output<typeof TemplateSettings>;
export type TemplateCredentials = z.output<typeof TemplateCredentials>;

/** The contacts stream's cursor, as data: the SDK's cursor codec stores it (src/sdk/cursor.ts). */
export const ContactsCursor = z.object({
  /** `updated_at` of the last contact read. */
  updatedAfter: z.string(),
  /** Its id: contacts with the same `updated_at` are ordered by id. */
  afterId: z.string(),
});
export type ContactsCursor = z.output<typeof ContactsCursor>;

/** A contact as Acme sends it. */
export const Contact = z.looseObject({
  id: z.string(),
  email: z.string().nullable().optional(),
  updated_at: z.string(),
});

/** `GET /contacts`: a page of contacts in (updated_at, id) order. */
export const ContactsPage = z.object({ contacts: z.array(Contact), has_more: z.boolean() });

/** A salesperson as Acme sends it. */
export const Owner = z.looseObject({ id: z.string(), name: z.string() });

/** `GET /owners?offset=&limit=`: a page of the account's owners and how many there are. */
export const OwnersPage = z.object({ owners: z.array(Owner), total: z.number().int() });

/** Where a pass over the owners stands: the offset of the next page. */
export const OwnersCursor = z.object({ offset: z.number().int().nonnegative() });
export type OwnersCursor = z.output<typeof OwnersCursor>;

/** `POST /contacts/batch` accepted: one result per item, in order. */
export const BatchAnswer = z.object({ results: z.array(z.object({ id: z.string() })) });

/** `POST /contacts/batch` refused (400): the items at fault, by `external_id`. */
export const BatchRefusal = z.object({
  invalid: z.array(z.object({ external_id: z.string(), field: z.string(), message: z.string() })),
});

/** A webhook delivery: the ids of contacts that changed. */
export const WebhookBody = z.object({ event: z.string(), ids: z.array(z.string()).default([]) });
