import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

import type { Keys } from '../store/keys.ts';

/** Default job options: completed and failed jobs are trimmed so Redis does not grow forever. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
};

/** Opens a BullMQ queue under the hub's key prefix. */
export function openQueue(name: string, connection: Redis, k: Keys): Queue {
  return new Queue(name, {
    connection,
    prefix: k.queuePrefix(),
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
}
