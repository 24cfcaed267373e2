import type { WebhookDef } from '../../src/sdk/connector.ts';
import { authenticatedWebhook } from '../../src/sdk/webhook-auth.ts';
import { decodeAdf, parseAdf } from './parse.ts';
import type { AdfCredentials, AdfSettings } from './settings.ts';

/** Header a lead vendor can put the shared secret in. */
export const TOKEN_HEADER = 'x-dealerloop-token';

/**
 * Lead vendors posting ADF to the hub. The delivery must carry the connection's `webhookToken`
 * (compared in constant time); the body is parsed tolerantly into one `leads` record per
 * prospect, which the engine archives and ingests through the inbound sync's mapping.
 */
export const adfWebhook: WebhookDef<AdfSettings, AdfCredentials> = authenticatedWebhook(
  // The X-DealerLoop-Token header, a Bearer token, or `?token=` for the many lead vendors that can
  // only be given a URL.
  {
    kind: 'token',
    secret: 'webhookToken',
    from: [{ header: TOKEN_HEADER }, { bearer: true }, { query: 'token' }],
  },
  async (ctx, req) => {
    const records = parseAdf(decodeAdf(req.rawBody, req.headers['content-type']));
    ctx.log.info({ prospects: records.length }, 'ADF webhook: leads received');
    return [{ kind: 'records', stream: 'leads', records }];
  },
);
