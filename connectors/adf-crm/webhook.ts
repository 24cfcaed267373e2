import type { WebhookDef, WebhookRequest } from '../../src/sdk/connector.ts';
import { AuthError } from '../../src/sdk/errors.ts';
import { secretsEqual } from '../../src/sdk/vendor-body.ts';
import { decodeAdf, parseAdf } from './parse.ts';
import type { AdfCredentials, AdfSettings } from './settings.ts';

/** Header a lead vendor can put the shared secret in. */
export const TOKEN_HEADER = 'x-dealerloop-token';

/**
 * The secret a vendor sent: the X-DealerLoop-Token header, a Bearer token, or `?token=` for the
 * many lead vendors that can only be given a URL.
 */
function tokenOf(req: WebhookRequest): string {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return req.headers[TOKEN_HEADER] ?? bearer ?? req.query.token ?? '';
}

/**
 * Lead vendors posting ADF to the hub. The delivery must carry the connection's `webhookToken`
 * (compared in constant time); the body is parsed tolerantly into one `leads` record per
 * prospect, which the engine archives and ingests through the inbound sync's mapping.
 */
export const adfWebhook: WebhookDef<AdfSettings, AdfCredentials> = {
  handle: async (ctx, req) => {
    const expected = ctx.credentials.webhookToken;
    if (!expected)
      throw new AuthError('this connection has no webhookToken; ADF posts are refused');
    if (!secretsEqual(tokenOf(req), expected))
      throw new AuthError('ADF webhook: missing or wrong token');
    const records = parseAdf(decodeAdf(req.rawBody, req.headers['content-type']));
    ctx.log.info({ prospects: records.length }, 'ADF webhook: leads received');
    return [{ kind: 'records', stream: 'leads', records }];
  },
};
