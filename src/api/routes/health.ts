import { Hono } from 'hono';

/**
 * /healthz: the process answers. /readyz: Redis and the archive are reachable, and Redis still
 * holds the data it held when this process started (its sentinel key is there).
 */
export function healthRoutes(): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const hub = c.get('hub');
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        return { ok: true as const };
      } catch (err) {
        return { ok: false as const, error: (err as Error).message };
      }
    };
    const [redis, archive] = await Promise.all([
      check(async () => {
        await hub.redis.ping();
        const data = await hub.sentinels.checkHub();
        if (!data.ok) throw new Error(data.reason);
      }),
      check(() => hub.archive.ping()),
    ]);
    const ready = redis.ok && archive.ok;
    return c.json(
      { status: ready ? 'ready' : 'not_ready', checks: { redis, archive } },
      ready ? 200 : 503,
    );
  });
  return app;
}
