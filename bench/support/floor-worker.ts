/**
 * The floor's worker process: takes pages of records from a BullMQ queue and posts them to the
 * sink in batches, with nothing else (no mapping, archive or state). Started by sync.bench.ts with
 * QUEUE, PREFIX, SINK (URL), SINK_NAME, BATCH and CONCURRENCY in its environment; prints "ready" once listening.
 */
import axios from 'axios';
import { Worker } from 'bullmq';

import { benchRedis } from './redis.ts';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const BATCH = Number(env('BATCH'));
const http = axios.create({ baseURL: env('SINK') });
const path = `/${encodeURIComponent(env('SINK_NAME'))}/batch`;
const worker = new Worker(
  env('QUEUE'),
  async (job) => {
    const items = (job.data.records as Record<string, unknown>[]).map((r) => ({
      idempotencyKey: String(r.id),
      id: null,
      record: r,
    }));
    for (let i = 0; i < items.length; i += BATCH)
      await http.post(path, { items: items.slice(i, i + BATCH) });
  },
  {
    connection: benchRedis(),
    prefix: env('PREFIX'),
    concurrency: Number(env('CONCURRENCY')),
  },
);
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
