import type { ApiServer } from '../api/server.ts';
import type { Hub } from '../hub.ts';
import { serveMetrics, type MetricsServer } from '../metrics/server.ts';
import { migrateHub } from '../migrations/index.ts';
import { startWorkers, type WorkerPool } from '../worker/pool.ts';
import { createEngine, type Engine } from './engine.ts';
import { StartupError } from './startup-error.ts';

/** Which parts a process runs: `start` runs both, `api` and `worker` one each. */
export interface Roles {
  api: boolean;
  worker: boolean;
  /** A port of its own for `GET /metrics` (a worker process has no API to serve it there). */
  metricsPort?: number;
}

/** A running hub process. */
export interface RunningHub {
  engine: Engine;
  api: ApiServer | null;
  workers: WorkerPool | null;
  metrics: MetricsServer | null;
  /** Graceful stop: the API stops taking requests, workers finish in-flight jobs, Redis closes. */
  stop(): Promise<void>;
}

/**
 * Starts the API and/or the workers of an opened hub, after applying pending migrations of stored
 * data (every process does: one runs each tenant's under its lock, the others wait for it), so
 * no code of this version reads or writes a record in an older shape.
 */
export async function serveHub(
  hub: Hub,
  roles: Roles,
  port?: number,
  engine = createEngine(hub),
): Promise<RunningHub> {
  const migrated = await migrateHub(hub);
  if (migrated.length) hub.log.info({ tenants: migrated.length }, 'migrations applied');
  // Loaded only where it runs: a worker process does without the HTTP stack.
  const api = roles.api ? await listenOrExplain(hub, engine, port) : null;
  const workers = roles.worker
    ? await startWorkers(hub, [engine.queue.processor(), hub.attributionJobs.processor()])
    : null;
  const metrics =
    roles.metricsPort === undefined
      ? null
      : await serveMetrics(engine.service, hub.config.HOST, roles.metricsPort);
  if (metrics) hub.log.info({ port: metrics.port }, 'metrics listening');
  let stopping: Promise<void> | null = null;
  return {
    engine,
    api,
    workers,
    metrics,
    stop() {
      stopping ??= (async () => {
        hub.log.info('shutting down');
        await Promise.all([api?.close(), workers?.close(), metrics?.close()]);
        await engine.close();
        await hub.close();
        hub.log.info('stopped');
      })();
      return stopping;
    },
  };
}

/**
 * Stops the process gracefully on SIGINT/SIGTERM; a second signal exits at once. Takes the hub
 * while it is still starting, so a signal that lands between the API answering and the workers
 * being up (a supervisor's stop right after its health check) still stops it cleanly.
 */
export function stopOnSignals(starting: Promise<RunningHub>): Promise<RunningHub> {
  let signalled = false;
  const onSignal = () => {
    if (signalled) process.exit(130);
    signalled = true;
    void starting
      .then((running) => running.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return starting;
}

/**
 * Starts the API; when the port cannot be taken the engine and hub are closed (so nothing keeps
 * the process alive) and a `StartupError` says in one line which port and what to do.
 */
async function listenOrExplain(hub: Hub, engine: Engine, port?: number): Promise<ApiServer> {
  try {
    return await (await import('../api/server.ts')).startApi(hub, engine.service, port);
  } catch (err) {
    await engine.close();
    await hub.close();
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${hub.config.HOST}:${port ?? hub.config.PORT}`;
    if (code === 'EADDRINUSE')
      throw new StartupError(
        `Port ${where} is already in use: stop the process using it, or pick another with --port or PORT`,
      );
    if (code === 'EACCES')
      throw new StartupError(`Not allowed to listen on ${where}: pick a port above 1023`);
    throw err;
  }
}
