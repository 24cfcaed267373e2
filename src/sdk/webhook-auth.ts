import { createHmac } from 'node:crypto';

import type { WebhookDef, WebhookRequest } from './connector.ts';
import { AuthError } from './errors.ts';
import { secretsEqual } from './vendor-body.ts';

/** Where a webhook's shared token may travel. */
export type TokenPlace = { header: string } | { bearer: true } | { query: string };

/**
 * How a system proves a webhook delivery is its own, declared as data: the engine-side check is
 * this module's, so no connector computes a signature or compares a secret itself.
 * - `hmac`: a header holds `<prefix><digest>` of the raw body, keyed with a credential (Meta's
 *   `X-Hub-Signature-256: sha256=<hex>`, the generic HTTP connector's own header).
 * - `token`: a shared secret sent back as it is, in a header, a Bearer token or the URL's query
 *   (for senders that can only be given a URL: lead vendors, Mailchimp).
 * `exceptMethods` are requests the connector authenticates itself (a verification handshake).
 */
export type WebhookAuth<C> = {
  /** The credential holding the key or token. */
  secret: keyof C & string;
  exceptMethods?: readonly string[];
} & (
  | {
      kind: 'hmac';
      header: string;
      algorithm: 'sha256' | 'sha1';
      prefix?: string;
      encoding?: 'hex' | 'base64';
    }
  | { kind: 'token'; from: readonly TokenPlace[] }
);

/** The token a request carries in the first of `places` that has one. */
function tokenOf(req: WebhookRequest, places: readonly TokenPlace[]): string | undefined {
  for (const p of places) {
    const v =
      'header' in p
        ? req.headers[p.header.toLowerCase()]
        : 'query' in p
          ? req.query[p.query]
          : /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (v) return v;
  }
  return undefined;
}

/**
 * Checks a delivery against its declared auth; throws `AuthError` (answered 401, nothing stored)
 * naming what was wrong, never the expected value.
 */
export function verifyWebhook<C>(auth: WebhookAuth<C>, credentials: C, req: WebhookRequest): void {
  if (auth.exceptMethods?.includes(req.method.toUpperCase())) return;
  const secret = credentials[auth.secret];
  if (typeof secret !== 'string' || !secret)
    throw new AuthError(`this connection has no ${auth.secret}; webhooks are refused`);
  if (auth.kind === 'token') {
    const given = tokenOf(req, auth.from);
    if (!given || !secretsEqual(given, secret))
      throw new AuthError('webhook: missing or wrong token');
    return;
  }
  const digest = createHmac(auth.algorithm, secret)
    .update(req.rawBody)
    .digest(auth.encoding ?? 'hex');
  const given = req.headers[auth.header.toLowerCase()] ?? '';
  if (!secretsEqual(given, `${auth.prefix ?? ''}${digest}`))
    throw new AuthError(`webhook: missing or bad ${auth.header}`);
}

/**
 * A webhook whose deliveries are checked against `auth` before `handle` sees them.
 *
 * @example
 * webhook: authenticatedWebhook(
 *   { kind: 'hmac', secret: 'appSecret', header: 'X-Hub-Signature-256', algorithm: 'sha256', prefix: 'sha256=' },
 *   async (ctx, req) => [{ kind: 'hint', stream: 'leads' }],
 * ),
 */
export function authenticatedWebhook<S, C>(
  auth: WebhookAuth<C>,
  handle: WebhookDef<S, C>['handle'],
): WebhookDef<S, C> {
  return {
    auth,
    handle: async (ctx, req) => {
      verifyWebhook(auth, ctx.credentials, req);
      return handle(ctx, req);
    },
  };
}
