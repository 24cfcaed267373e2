import { createHmac } from 'node:crypto';

import { defineConnector } from '../../src/sdk/connector.ts';
import { AuthError, PermanentError } from '../../src/sdk/errors.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import { parseVendorBody, parseWriteAnswer, secretsEqual } from '../../src/sdk/vendor-body.ts';
import {
  BatchBody,
  HttpJsonCredentials,
  HttpJsonSettings,
  PageBody,
  WebhookBody,
} from './settings.ts';

/** Header carrying `sha256=<hex HMAC of the raw body>`. */
export const SIGNATURE_HEADER = 'x-dealerloop-signature';

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
    createHttpClient({
      baseURL: s.baseUrl,
      headers: c.token ? { authorization: `Bearer ${c.token}` } : {},
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
          const res = await ctx.http.get(`/${encodeURIComponent(stream)}`, {
            params: { limit: ctx.settings.pageSize, ...(cursor ? { cursor } : {}) },
            signal: ctx.signal,
          });
          return parseVendorBody(PageBody, res.data, `GET /${stream}`);
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
  webhook: {
    handle: async (ctx, req) => {
      const secret = ctx.credentials.webhookSecret;
      if (!secret)
        throw new AuthError('this connection has no webhookSecret; webhooks are refused');
      const given = req.headers[SIGNATURE_HEADER] ?? '';
      const expected = `sha256=${createHmac('sha256', secret).update(req.rawBody).digest('hex')}`;
      if (!secretsEqual(given, expected)) throw new AuthError('bad webhook signature');
      let json: unknown;
      try {
        json = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        throw new PermanentError('webhook body is not JSON');
      }
      const body = parseVendorBody(WebhookBody, json, 'webhook');
      return [
        body.records
          ? { kind: 'records', stream: body.stream, records: body.records }
          : { kind: 'hint', stream: body.stream },
      ];
    },
  },
});
