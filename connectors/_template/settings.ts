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

/** The stream's cursor, as data: the engine stores the string `encodeCursor` makes. */
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

/** `POST /contacts/batch` accepted: one result per item, in order. */
export const BatchAnswer = z.object({ results: z.array(z.object({ id: z.string() })) });

/** `POST /contacts/batch` refused (400): the items at fault, by `external_id`. */
export const BatchRefusal = z.object({
  invalid: z.array(z.object({ external_id: z.string(), field: z.string(), message: z.string() })),
});

/** A webhook delivery: the ids of contacts that changed. */
export const WebhookBody = z.object({ event: z.string(), ids: z.array(z.string()).default([]) });
