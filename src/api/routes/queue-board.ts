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

/** Only admin keys get past: 401 without a key, 403 with a key of another role. */
export function adminOnly(): MiddlewareHandler {
  const auth = bearerAuth();
  return async function adminOnly(c, next) {
    await auth(c, async () => {
      const { role, scope } = c.get('auth');
      if (role !== 'admin' || scope === 'group')
        throw new AppError(403, 'forbidden', 'The queue board is for admin keys only');
      await next();
    });
  };
}

/**
 * Bull Board on the sync queue at /admin/queues, for admin keys only (the key as a Bearer
 * header, or the dashboard's session of an admin; see `sessionAuth`).
 */
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
