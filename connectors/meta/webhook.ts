import { z } from 'zod';

import type { WebhookDef, WebhookOutcome, WebhookRequest } from '../../src/sdk/connector.ts';
import { AuthError, PermanentError } from '../../src/sdk/errors.ts';
import { jsonBody } from '../../src/sdk/vendor-body.ts';
import { authenticatedWebhook } from '../../src/sdk/webhook-auth.ts';
import { secretsEqual } from '../../src/sdk/vendor-body.ts';
import { SIGNATURE_HEADER } from './constants.ts';
import { parseGraph } from './schemas.ts';
import type { MetaCredentials, MetaSettings } from './settings.ts';

/** Equal strings, compared in constant time. */
export const safeEqual = secretsEqual;

/** A leadgen change as Meta posts it (docs/vendors.md (Meta), third-party samples of the leadgen webhook body/developers.facebook.com/docs/marketing-api/guides/lead-ads/retrieving); ids may come as strings or numbers. */
const id = z.union([z.string(), z.number()]).transform(String);
const LeadgenValue = z.looseObject({
  leadgen_id: id,
  page_id: id.optional(),
  form_id: id.optional(),
  ad_id: id.optional(),
  created_time: z.number().optional(),
});
const Notification = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: id.optional(),
      time: z.number().optional(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })).default([]),
    }),
  ),
});

/**
 * The verification handshake: `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…` is
 * answered 200 with the raw challenge when the token matches (docs/vendors.md (Meta), developers.facebook.com/docs/graph-api/webhooks/getting-started).
 */
function handshake(c: MetaCredentials, req: WebhookRequest): WebhookOutcome[] {
  const q = req.query;
  if (q['hub.mode'] !== 'subscribe' || q['hub.challenge'] === undefined)
    throw new PermanentError('meta webhook: a GET must be a hub.mode=subscribe handshake');
  if (!c.verifyToken)
    throw new AuthError('this connection has no verifyToken; handshakes are refused');
  if (!safeEqual(q['hub.verify_token'] ?? '', c.verifyToken))
    throw new AuthError('meta webhook: hub.verify_token does not match');
  return [{ kind: 'respond', status: 200, body: q['hub.challenge'], contentType: 'text/plain' }];
}

/**
 * Lead Ads webhooks. A leadgen notification carries ids only, never the answers (docs/vendors.md (Meta)),
 * so it becomes a `fetch` of those leadgen ids on the `leads` stream: a worker reads each lead
 * with `GET /{leadgen_id}` (§2.5) through the shared rate limiter and retry policy and hands it
 * to the syncs reading the stream at once, however old the lead or far the stream's cursor.
 * Changes of other fields, and of Pages other than `pageId`, are ignored.
 */
export const metaWebhook: WebhookDef<MetaSettings, MetaCredentials> = authenticatedWebhook(
  // `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body keyed by the App Secret; Meta
  // signs the escaped-unicode bytes it sent, so only the raw body is hashed (docs/vendors.md, Meta).
  // The GET handshake is checked by its verify token instead.
  {
    kind: 'hmac',
    secret: 'appSecret',
    header: SIGNATURE_HEADER,
    algorithm: 'sha256',
    prefix: 'sha256=',
    exceptMethods: ['GET'],
  },
  async (ctx, req) => {
    if (req.method === 'GET') return handshake(ctx.credentials, req);
    const body = parseGraph(Notification, jsonBody(req.rawBody, 'meta webhook'), 'meta webhook');
    if (body.object !== 'page') return [{ kind: 'ignore' }];
    const pageId = ctx.settings.pageId;
    const leads = body.entry
      .flatMap((e) => e.changes.map((c) => ({ entry: e.id, ...c })))
      .filter((c) => c.field === 'leadgen')
      .map((c) => ({ entry: c.entry, value: parseGraph(LeadgenValue, c.value, 'leadgen change') }))
      .filter((c) => !pageId || (c.value.page_id ?? c.entry) === pageId);
    if (leads.length === 0) return [{ kind: 'ignore' }];
    ctx.log.info(
      { leadgenIds: leads.map((l) => l.value.leadgen_id) },
      'meta webhook: new leads announced',
    );
    const ids = [...new Set(leads.map((l) => l.value.leadgen_id))];
    return [{ kind: 'fetch', stream: 'leads', ids }];
  },
);
