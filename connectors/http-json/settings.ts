import { z } from 'zod';

import { requestsPerSecond } from '../../src/sdk/settings.ts';

/** Settings of a generic JSON-over-HTTP system (an in-house CRM, a middleware endpoint). */
export const HttpJsonSettings = z.object({
  baseUrl: z.url().describe('Base URL of the system, e.g. https://crm.example.com/api'),
  pageSize: z.number().int().min(1).max(10_000).default(500).describe('Records asked for per page'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(500)
    .describe('Records sent per write request'),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(16)
    .default(2)
    .describe('Write requests in flight at once'),
  requestsPerSecond: requestsPerSecond(10_000, 20),
});

/** Credentials: an optional bearer token for calls, an optional shared secret for webhooks. */
export const HttpJsonCredentials = z.object({
  token: z.string().min(1).optional().describe('Sent as Authorization: Bearer <token>'),
  webhookSecret: z
    .string()
    .min(16)
    .optional()
    .describe('HMAC-SHA256 key of X-DealerLoop-Signature'),
});

export type HttpJsonSettings = z.output<typeof HttpJsonSettings>;
export type HttpJsonCredentials = z.output<typeof HttpJsonCredentials>;

/**
 * A JSON object, checked without copying it (a page holds thousands; the mapping validates their
 * fields).
 */
const jsonObject = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'expected an object',
);

/** A page as the system answers `GET /<stream>?cursor=&limit=`. */
export const PageBody = z.object({
  records: z.array(jsonObject),
  nextCursor: z.string().nullable(),
  hasMore: z.boolean(),
});

/** The answer to `POST /<sink>/batch`: one result per item, in order. */
export const BatchBody = z.object({
  results: z.array(
    z.union([
      z.object({ ok: z.literal(true), id: z.string().nullable().optional() }),
      z.object({
        ok: z.literal(false),
        retryable: z.boolean().default(false),
        error: z.string(),
        field: z.string().optional(),
      }),
    ]),
  ),
});

/** A webhook delivery: records of a stream, or a hint that the stream changed. */
export const WebhookBody = z.object({
  stream: z.string().min(1),
  records: z.array(z.record(z.string(), z.unknown())).optional(),
});
