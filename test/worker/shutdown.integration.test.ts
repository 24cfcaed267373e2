import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openQueue } from '../../src/queue/queues.ts';
import { startWorkers } from '../../src/worker/pool.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(async () => t?.cleanup());

describe('worker shutdown', () => {
  it('lets an in-flight job finish before the worker stops, and takes no new job', async () => {
    const queueName = `shutdown-${randomUUID()}`;
    const queue = openQueue(queueName, t.hub.redis, t.hub.keys);
    let started!: () => void;
    const jobStarted = new Promise<void>((r) => (started = r));
    const processed: string[] = [];
    const pool = await startWorkers(t.hub, [
      {
        queue: queueName,
        concurrency: 1,
        process: async (job) => {
          processed.push(job.name);
          started();
          await new Promise((r) => setTimeout(r, 700));
          return { done: job.data.n };
        },
      },
    ]);
    const first = await queue.add('first', { n: 1 });
    await jobStarted;
    const second = await queue.add('second', { n: 2 });
    await pool.close();

    const done = await queue.getJob(first.id!);
    expect(await done!.getState()).toBe('completed');
    expect(done!.returnvalue).toEqual({ done: 1 });
    expect(processed).toEqual(['first']);
    expect(await (await queue.getJob(second.id!))!.getState()).toBe('waiting');
    await queue.obliterate({ force: true });
    await queue.close();
  });
});
