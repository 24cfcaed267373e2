import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';

import { AppError } from '../../errors/app-error.ts';
import type { SyncService } from '../../sync/sync-service.ts';
import { bearerAuth } from '../middleware/auth.ts';

/** Where the queue board is mounted. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Only hub admin keys get past: 401 without a key, 403 with any other key. The board shows every
 * tenant's jobs (their payloads and errors), so a store's admin key, which sees one tenant, is
 * refused like a group key.
 */
export function adminOnly(): MiddlewareHandler {
  const auth = bearerAuth();
  return async function adminOnly(c, next) {
    await auth(c, async () => {
      const { role, scope } = c.get('auth');
      if (role !== 'admin' || scope !== 'hub')
        throw new AppError(
          403,
          'forbidden',
          "The queue board shows every tenant's jobs: it needs a hub admin key (dealerloop apikey create --hub --role admin)",
        );
      await next();
    });
  };
}

/** Bull Board on the sync queue at /admin/queues, for hub admin keys only (a Bearer header). */
export function queueBoardRoutes(sync: SyncService, guard: MiddlewareHandler = adminOnly()): Hono {
  const adapter = new HonoAdapter(serveStatic);
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(sync.queue.queue)],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'DealerLoop queues' } },
  });
  const app = new Hono();
  app.use(`${QUEUE_BOARD_PATH}/*`, guard);
  app.use(QUEUE_BOARD_PATH, guard);
  app.route(QUEUE_BOARD_PATH, adapter.registerPlugin());
  return app;
}
