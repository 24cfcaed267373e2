import { defineConnector } from '../../src/sdk/connector.ts';
import { httpClientOf } from '../../src/sdk/http.ts';
import { pagedReader, type Pagination } from '../../src/sdk/paging.ts';
import { jsonBody, parseVendorBody, parseWriteAnswer } from '../../src/sdk/vendor-body.ts';
import { authenticatedWebhook } from '../../src/sdk/webhook-auth.ts';
import {
  BatchBody,
  HttpJsonCredentials,
  HttpJsonSettings,
  PageBody,
  WebhookBody,
} from './settings.ts';

/** Header carrying `sha256=<hex HMAC of the raw body>`. */
export const SIGNATURE_HEADER = 'X-DealerLoop-Signature';

/**
 * How the system pages a stream: the body's `nextCursor` is sent back as the `cursor` query
 * parameter. `hasMore` says whether this run reads on; the last page's `nextCursor` is where the
 * next run resumes, so `more` is not declared (it would drop that cursor).
 */
export const HTTP_JSON_PAGING = {
  kind: 'cursor',
  token: { body: 'nextCursor' },
  send: { query: 'cursor' },
} as const satisfies Pagination;

const streamPage = pagedReader({ paging: HTTP_JSON_PAGING, records: 'records', schema: PageBody });

/**
 * A generic JSON-over-HTTP system: any stream is `GET <baseUrl>/<stream>?cursor=&limit=`, any sink
 * is `POST <baseUrl>/<sink>/batch` with idempotency keys, webhooks are HMAC-signed JSON. For
 * in-house CRMs and middleware that speak plain JSON.
 */
export default defineConnector({
  id: 'http-json',
  name: 'HTTP JSON',
  settings: HttpJsonSettings,
  credentials: HttpJsonCredentials,
  limits: (s) => ({
    requestsPerSecond: s.requestsPerSecond,
    burst: Math.ceil(s.requestsPerSecond),
    batchSize: s.batchSize,
    concurrency: s.concurrency,
  }),
  client: (s, c) =>
    httpClientOf({
      baseUrl: s.baseUrl,
      auth: c.token ? { kind: 'bearer', token: c.token } : { kind: 'none' },
    }),
  check: async (ctx) => {
    await ctx.http.get('/', { signal: ctx.signal });
  },
  streams: new Proxy(
    {},
    {
      // Every stream name is served the same way.
      get: (_t, stream: string) => ({
        description: `Records of ${stream}`,
        read: async (
          ctx: {
            http: import('axios').AxiosInstance;
            settings: HttpJsonSettings;
            signal: AbortSignal;
          },
          cursor: string | null,
        ) => {
          const request = {
            url: `/${encodeURIComponent(stream)}`,
            params: { limit: ctx.settings.pageSize },
          };
          const page = await streamPage(ctx, request, cursor || null);
          // The last page's cursor is kept too (as sent): the next run resumes from it.
          const { records, nextCursor, hasMore } = page.body;
          return { records, nextCursor, hasMore };
        },
      }),
    },
  ),
  sinks: new Proxy(
    {},
    {
      get: (_t, sink: string) => ({
        description: `Writes to ${sink}`,
        write: async (
          ctx: { http: import('axios').AxiosInstance; signal: AbortSignal },
          items: import('../../src/sdk/connector.ts').SinkItem[],
        ) => {
          const res = await ctx.http.post(
            `/${encodeURIComponent(sink)}/batch`,
            {
              items: items.map((i) => ({
                idempotencyKey: i.idempotencyKey,
                id: i.destinationId,
                record: i.record,
              })),
            },
            { signal: ctx.signal },
          );
          const body = parseWriteAnswer(BatchBody, res.data, `POST /${sink}/batch`);
          return body.results.map((r) =>
            r.ok
              ? { ok: true as const, destinationId: r.id ?? null }
              : { ok: false as const, retryable: r.retryable, reason: r.error, field: r.field },
          );
        },
      }),
    },
  ),
  webhook: authenticatedWebhook<HttpJsonSettings, HttpJsonCredentials>(
    {
      kind: 'hmac',
      secret: 'webhookSecret',
      header: SIGNATURE_HEADER,
      algorithm: 'sha256',
      prefix: 'sha256=',
    },
    async (_ctx, req) => {
      const body = parseVendorBody(WebhookBody, jsonBody(req.rawBody, 'webhook'), 'webhook');
      return [
        body.records
          ? { kind: 'records', stream: body.stream, records: body.records }
          : { kind: 'hint', stream: body.stream },
      ];
    },
  ),
});
