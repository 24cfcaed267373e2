import { Hono } from 'hono';

import { receiveWebhook } from '../../sync/webhook-intake.ts';

/**
 * `/hooks/{tenantId}/{connectionId}`: where vendors deliver webhooks. No API key: each connector
 * authenticates its deliveries (signature, or a secret in the URL). GET is allowed for
 * verification handshakes (Meta's hub.challenge, Mailchimp's validator).
 */
export function hookRoutes(): Hono {
  const app = new Hono();
  app.on(['GET', 'POST'], '/hooks/:tenantId/:connectionId', async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    const reply = await receiveWebhook(
      c.get('sync'),
      c.req.param('tenantId'),
      c.req.param('connectionId'),
      {
        method: c.req.method,
        headers,
        query: c.req.query(),
        rawBody: Buffer.from(await c.req.arrayBuffer()),
      },
    );
    return c.body(reply.body, reply.status as 200, { 'content-type': reply.contentType });
  });
  return app;
}
