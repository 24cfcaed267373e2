import { AxiosError } from 'axios';

import { sendSplitting } from '../../src/sdk/batch-sink.ts';
import {
  defineConnector,
  type ConnectorContext,
  type SinkItem,
  type SinkResult,
} from '../../src/sdk/connector.ts';
import { typedStream, type TypedPage } from '../../src/sdk/cursor.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { classifierOf, RETRY_AFTER, type ErrorTable } from '../../src/sdk/error-table.ts';
import { httpClientOf } from '../../src/sdk/http.ts';
import { pagedReader, type Pagination } from '../../src/sdk/paging.ts';
import type { RateLimitHeaders } from '../../src/sdk/rate-limit.ts';
import { jsonBody, parseVendorBody, parseWriteAnswer } from '../../src/sdk/vendor-body.ts';
import { authenticatedWebhook } from '../../src/sdk/webhook-auth.ts';
import {
  BatchAnswer,
  BatchRefusal,
  ContactsCursor,
  ContactsPage,
  OwnersCursor,
  OwnersPage,
  TemplateCredentials,
  TemplateSettings,
  WebhookBody,
} from './settings.ts';

/**
 * TEMPLATE of a connector (docs/connectors.md): "Acme CRM", a made-up JSON API. Copy this folder
 * to connectors/<id>/, rename, and replace the wire formats with your vendor's (docs/vendors.md
 * names the vendor page each one comes from). It is not in connectors/index.ts: users never see it;
 * test/connectors/template.integration.test.ts registers it and runs it against a loopback server.
 */

type Ctx = ConnectorContext<TemplateSettings, TemplateCredentials>;

/**
 * Acme's errors, declared (docs/connectors.md, "Errors, retries and rate limits"): rows tried in
 * order, what none matches gets the SDK default. Put the vendor's codes and their page in
 * docs/vendors.md.
 */
export const acmeErrors: ErrorTable = {
  codes: ['error.code'],
  field: 'invalid.0.field',
  rules: [
    { status: 401, kind: 'auth' },
    { status: 429, kind: 'retryable', wait: [RETRY_AFTER, { fixedMs: 1_000 }] },
    // The account is suspended: no request of the run can succeed, and no record is at fault.
    { code: 'account_suspended', kind: 'fatal' },
    { status: 400, kind: 'per-record' },
  ],
};
const classifyAcme = classifierOf(acmeErrors);

/** Acme's rate-limit headers: a spent window holds every worker of the connection until reset. */
export const ACME_RATE_HEADERS: RateLimitHeaders = {
  vendor: 'Acme',
  remaining: 'x-ratelimit-remaining',
  reset: { header: 'x-ratelimit-reset', unit: 's' },
  windowMs: 1_000,
};

/** How Acme pages a list: `offset` and `limit`, the list's size in `total`. */
export const ACME_PAGING = {
  kind: 'offset',
  offset: 'offset',
  limit: 'limit',
  pageSize: 100,
  total: 'total',
} as const satisfies Pagination;

/** The owners request: the connection's page size, not the declared default. */
const OWNERS = (ctx: Ctx) => ({ url: '/owners', pageSize: ctx.settings.pageSize });
const ownersPage = pagedReader({ paging: ACME_PAGING, records: 'owners', schema: OwnersPage });

/** `GET /owners`: the account's salespeople, the whole list every pass, a page per call. */
async function readOwners(ctx: Ctx, from: OwnersCursor | null): Promise<TypedPage<OwnersCursor>> {
  const page = await ownersPage(ctx, OWNERS(ctx), from?.offset ?? null);
  const next = page.next === null ? null : Number(page.next);
  // The last page ends the pass; the next one starts over.
  return { records: page.body.owners, next: { offset: next ?? 0 }, hasMore: next !== null };
}

/** `GET /contacts?updated_after=&after_id=&limit=`: one page after the cursor (decoded by the SDK). */
async function readContacts(
  ctx: Ctx,
  from: ContactsCursor | null,
): Promise<TypedPage<ContactsCursor>> {
  const res = await ctx.http.get('/contacts', {
    params: {
      limit: ctx.settings.pageSize,
      ...(from ? { updated_after: from.updatedAfter, after_id: from.afterId } : {}),
    },
    signal: ctx.signal,
  });
  const page = parseVendorBody(ContactsPage, res.data, 'GET /contacts');
  const last = page.contacts.at(-1);
  return {
    records: page.contacts,
    next: last ? { updatedAfter: last.updated_at, afterId: last.id } : null,
    hasMore: page.has_more,
  };
}

/** `GET /contacts/lookup?ids=`: the contacts a webhook announced. */
async function readContactsByIds(ctx: Ctx, ids: string[]) {
  const res = await ctx.http.get('/contacts/lookup', {
    params: { ids: ids.join(',') },
    signal: ctx.signal,
  });
  return parseVendorBody(ContactsPage, res.data, 'GET /contacts/lookup').contacts;
}

/** The items a 400 names as at fault (Acme names them by `external_id`). */
function namedInRefusal(err: unknown, batch: readonly SinkItem[]) {
  const named = new Map<SinkItem, { reason: string; field: string }>();
  const body = err instanceof AxiosError ? BatchRefusal.safeParse(err.response?.data) : null;
  for (const bad of body?.success ? body.data.invalid : []) {
    const item = batch.find((i) => i.canonicalId === bad.external_id);
    if (item) named.set(item, { reason: bad.message, field: bad.field });
  }
  return named;
}

/**
 * `POST /contacts/batch`: Acme takes a batch whole or refuses it whole with a 400 naming the bad
 * items. `sendSplitting` fails those at once and sends the rest again (halving only when the 400
 * names none), so one bad contact never blocks the others. Any other failure is thrown: the
 * engine classifies it and retries.
 */
async function writeContacts(ctx: Ctx, items: SinkItem[]): Promise<SinkResult[]> {
  const ids = new Map<SinkItem, string>();
  const { refused } = await sendSplitting(
    items,
    async (batch) => {
      const body = {
        items: batch.map((i) => ({ external_id: i.canonicalId, id: i.destinationId, ...i.record })),
      };
      const res = await ctx.http.post('/contacts/batch', body, {
        headers: { 'idempotency-key': batch.map((i) => i.idempotencyKey).join(',') },
        signal: ctx.signal,
      });
      const answer = parseWriteAnswer(BatchAnswer, res.data, 'POST /contacts/batch');
      batch.forEach((item, j) => ids.set(item, answer.results[j]?.id ?? ''));
    },
    (err) => {
      const e = classifyAcme(err);
      return e instanceof PermanentError && e.status === 400 ? e.message : null;
    },
    { named: namedInRefusal },
  );
  const bad = new Map(refused.map((r) => [r.item, r]));
  return items.map((item): SinkResult => {
    const r = bad.get(item);
    if (r) return { ok: false, retryable: false, reason: r.reason, field: r.field };
    return { ok: true, destinationId: ids.get(item) || null };
  });
}

export default defineConnector({
  id: 'template',
  name: 'Acme CRM (connector template)',
  settings: TemplateSettings,
  credentials: TemplateCredentials,
  limits: (s) => ({
    requestsPerSecond: s.requestsPerSecond,
    burst: 5,
    batchSize: 100,
    concurrency: 2,
    // Acme's id lookups have a budget of their own, on top of the connection's.
    endpoints: [
      {
        name: 'lookup',
        matches: (method, path) => method === 'GET' && path === '/contacts/lookup',
        requestsPerSecond: 5,
      },
    ],
  }),
  client: (s, c) =>
    httpClientOf({
      baseUrl: s.baseUrl,
      auth: { kind: 'api_key', header: 'X-Api-Key', value: c.apiKey },
      rateLimit: ACME_RATE_HEADERS,
    }),
  errors: acmeErrors,
  check: async (ctx) => {
    await ctx.http.get('/contacts', { params: { limit: 1 }, signal: ctx.signal });
  },
  streams: {
    // The cursor is declared as a schema: the SDK validates a stored one and encodes the next.
    contacts: typedStream({
      description: 'Contacts, by last change',
      cursor: ContactsCursor,
      what: 'template contacts',
      read: readContacts,
      readByIds: readContactsByIds,
    }),
    owners: typedStream({
      description: 'Salespeople of the account',
      cursor: OwnersCursor,
      what: 'template owners',
      read: readOwners,
    }),
  },
  sinks: {
    contacts: { description: 'Creates or updates contacts', write: writeContacts },
  },
  webhook: authenticatedWebhook<TemplateSettings, TemplateCredentials>(
    {
      kind: 'hmac',
      secret: 'webhookSecret',
      header: 'X-Acme-Signature',
      algorithm: 'sha256',
      prefix: 'sha256=',
    },
    async (_ctx, req) => {
      const body = parseVendorBody(WebhookBody, jsonBody(req.rawBody, 'webhook'), 'webhook');
      if (body.event !== 'contact.updated' || body.ids.length === 0) return [{ kind: 'ignore' }];
      return [{ kind: 'fetch', stream: 'contacts', ids: body.ids }];
    },
  ),
});
