import { Hono } from 'hono';

import { metricsText } from '../../metrics/scrape.ts';

/** `GET /metrics`: Prometheus text exposition of this process (no API key, like /readyz). */
export function metricsRoutes(): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const { text, contentType } = await metricsText(c.get('sync'));
    return c.body(text, 200, { 'content-type': contentType });
  });
  return app;
}
