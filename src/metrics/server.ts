import { createServer, type Server } from 'node:http';

import type { SyncService } from '../sync/sync-service.ts';
import { metricsText } from './scrape.ts';

/** A process's own `/metrics` listener (a worker has no API to serve it). */
export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` of this process on `host:port` (0: a free port): the counters and
 * histograms this process moved (records, run durations, vendor errors, 429s, webhooks) and the
 * hub-wide gauges read from Redis at scrape time (queue depth, change-log lag). Prometheus scrapes
 * every worker as its own target and sums the counters across them; the gauges are the same on
 * every target (take one, or `max`).
 */
export async function serveMetrics(
  sync: SyncService,
  host: string,
  port: number,
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    metricsText(sync).then(
      ({ text, contentType }) => res.writeHead(200, { 'content-type': contentType }).end(text),
      (err: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
