import { Hono } from 'hono';

import { AppError } from '../../errors/app-error.ts';
import { webhookLatency } from '../../metrics/metrics.ts';
import { receiveWebhook } from '../../sync/webhook-intake.ts';

/**
 * `/hooks/{tenantId}/{connectionId}`: where vendors deliver webhooks. No API key: each connector
 * authenticates its deliveries (signature, or a secret in the URL). GET is allowed for
 * verification handshakes (Meta's hub.challenge, Mailchimp's validator).
 */
export function hookRoutes(): Hono {
  const app = new Hono();
  app.on(['GET', 'POST'], '/hooks/:tenantId/:connectionId', async (c) => {
    const started = performance.now();
    const tenantId = c.req.param('tenantId');
    const connectionId = c.req.param('connectionId');
    let status = 500;
    try {
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
      const reply = await receiveWebhook(c.get('sync'), tenantId, connectionId, {
        method: c.req.method,
        headers,
        query: c.req.query(),
        rawBody: Buffer.from(await c.req.arrayBuffer()),
      });
      status = reply.status;
      return c.body(reply.body, reply.status as 200, { 'content-type': reply.contentType });
    } catch (err) {
      if (err instanceof AppError) status = err.status;
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const connector = await c
        .get('hub')
        .connections.get(tenantId, connectionId)
        .then((x) => x.connectorId)
        .catch(() => 'unknown');
      webhookLatency.observe({ connector, status: String(status) }, seconds);
    }
  });
  return app;
}
