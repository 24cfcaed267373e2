import { Worker, type Processor } from 'bullmq';

import type { Hub } from '../hub.ts';
import { DEFAULT_JOB_OPTIONS } from '../queue/queues.ts';
import { connectRedis } from '../store/redis.ts';

/**
 * How often a job may be taken back from a worker that died (its lock lapsed) before BullMQ fails
 * it for good: as often as a job may fail. BullMQ's default is 1, so a run whose worker was killed
 * twice (a deploy and an OOM, two restarts of a node) failed as "job stalled more than allowable
 * limit" with no retry, and its records waited for the next schedule or change. Runs resume from
 * their saved position and write with idempotency keys, so taking one back is safe.
 */
export const MAX_STALLS = DEFAULT_JOB_OPTIONS.attempts ?? 5;

/** A queue name and the function that processes its jobs. */
export interface QueueProcessor {
  queue: string;
  process: Processor;
  /** Jobs this process runs at once on this queue; WORKER_CONCURRENCY by default. */
  concurrency?: number;
  /** Runs once before the worker starts taking jobs (e.g. closing runs a killed worker left). */
  beforeStart?: () => Promise<void>;
}

/** Running workers of one process. */
export interface WorkerPool {
  workers: Worker[];
  /**
   * Graceful stop: takes no new jobs and waits for in-flight ones to finish, up to the shutdown
   * timeout; a job still running then is left to BullMQ's stalled-job check, which returns it to
   * the queue for another worker.
   */
  close(): Promise<void>;
}

/**
 * Starts one BullMQ worker per processor, each on its own blocking Redis connection.
 * Run more processes against the same Redis to scale out.
 */
export async function startWorkers(hub: Hub, processors: QueueProcessor[]): Promise<WorkerPool> {
  const workers: Worker[] = [];
  for (const p of processors) {
    await p.beforeStart?.();
    const connection = await connectRedis(hub.config.REDIS_URL, { forQueue: true });
    const worker = new Worker(p.queue, p.process, {
      connection,
      prefix: hub.keys.queuePrefix(),
      concurrency: p.concurrency ?? hub.config.WORKER_CONCURRENCY,
      // A crashed worker's job returns to the queue once its lock lapses.
      lockDuration: hub.config.JOB_LOCK_MS,
      stalledInterval: hub.config.JOB_LOCK_MS,
      maxStalledCount: MAX_STALLS,
    });
    worker.on('failed', (job, err) =>
      hub.log.warn(
        { queue: p.queue, jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
        'job failed',
      ),
    );
    worker.on('error', (err) =>
      hub.log.error({ queue: p.queue, err: err.message }, 'worker error'),
    );
    workers.push(worker);
  }
  // Ready before anyone can stop them: a worker closed while its blocking connection is still
  // connecting drops its error listeners first, and that connection's failure then crashes the
  // process ("Connection is closed") instead of stopping it (a SIGTERM right after start).
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  hub.log.info({ queues: processors.map((p) => p.queue) }, 'workers started');
  return {
    workers,
    async close() {
      const graceful = Promise.all(workers.map((w) => w.close()));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), hub.config.SHUTDOWN_TIMEOUT_MS);
      });
      const outcome = await Promise.race([graceful.then(() => 'done' as const), timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        hub.log.warn('shutdown timeout: in-flight jobs will return to the queue as stalled');
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await Promise.all(workers.map(async (w) => (await w.client).quit().catch(() => undefined)));
    },
  };
}
