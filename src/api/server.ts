import type { Server } from 'node:http';

import { serve } from '@hono/node-server';

import type { Hub } from '../hub.ts';
import type { SyncService } from '../sync/sync-service.ts';
import { createApp } from './app.ts';

/** A running HTTP server. */
export interface ApiServer {
  /** The port it listens on (useful with port 0). */
  port: number;
  /** Stops accepting connections and waits for in-flight requests, up to the shutdown timeout. */
  close(): Promise<void>;
}

/** Starts the API on HOST:PORT (or `port` when given, 0 for any free port). */
export async function startApi(
  hub: Hub,
  sync: SyncService,
  port = hub.config.PORT,
): Promise<ApiServer> {
  const app = createApp(hub, sync);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: hub.config.HOST }, () =>
      resolve(s as Server),
    );
    s.once('error', reject);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  hub.log.info(
    { port: bound, host: hub.config.HOST },
    `API listening on http://${hub.config.HOST}:${bound}`,
  );
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(
          () => server.closeAllConnections(),
          hub.config.SHUTDOWN_TIMEOUT_MS,
        );
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
