/**
 * Sync benchmark: N records inbound (HTTP source → mapping → identity → canonical store → change
 * log) then outbound (change log → mapping → hash check → HTTP sink), through real Redis and BullMQ
 * workers in this process, against the floor: a bare BullMQ pipeline moving the same records in the
 * same batch sizes from the same source to the same sink, with no mapping, archive or state.
 *
 *   npm run bench:sync              (100,000 records)
 *   RECORDS=20000 npm run bench:sync
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import axios from 'axios';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';

import { createArchive } from '../src/archive/index.ts';
import { loadConfig } from '../src/config/env.ts';
import { openHub } from '../src/hub.ts';
import { createLogger } from '../src/log/logger.ts';
import { createEngine } from '../src/runtime/engine.ts';
import { DirectoryMappingSource } from '../src/sync/mapping-source.ts';
import { startWorkers } from '../src/worker/pool.ts';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const PAGE = 1_000;
const BATCH = 500;
const MAPPINGS = join(import.meta.dirname, '../test/sync/fixtures/mappings');

let peakRss = 0;

/** CPU seconds used so far by this process, the systems process and Redis (shared, so approximate). */
async function cpuNow(
  redis: Redis,
  childPid: number,
): Promise<{ self: number; systems: number; redis: number }> {
  const u = process.cpuUsage();
  const stat = readFileSync(`/proc/${childPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const info = await redis.info('cpu');
  const num = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return {
    self: (u.user + u.system) / 1e6,
    systems: (Number(stat[11]) + Number(stat[12])) / 100,
    redis: num('used_cpu_user') + num('used_cpu_sys'),
  };
}
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

/** The floor: pages read from the source become jobs; a worker posts each batch to the sink. */
async function floor(systems: Systems, prefix: string): Promise<number> {
  const connection = new Redis({ maxRetriesPerRequest: null });
  const name = `floor-${randomUUID()}`;
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection: connection.duplicate(), prefix });
  const http = axios.create({ baseURL: systems.sink });
  const worker = new Worker(
    name,
    async (job) => {
      const items = (job.data.records as Record<string, unknown>[]).map((r) => ({
        idempotencyKey: String(r.id),
        id: null,
        record: r,
      }));
      for (let i = 0; i < items.length; i += BATCH)
        await http.post('/floor/batch', { items: items.slice(i, i + BATCH) });
    },
    { connection: connection.duplicate(), prefix, concurrency: 2 },
  );
  const started = performance.now();
  let cursor: string | null = null;
  const jobs = [];
  for (;;) {
    const { data }: { data: { records: unknown[]; nextCursor: string | null; hasMore: boolean } } =
      await axios.get(`${systems.source}/contacts`, {
        params: { limit: PAGE, ...(cursor ? { cursor } : {}) },
      });
    jobs.push((await queue.add('page', { records: data.records })).waitUntilFinished(events));
    cursor = data.nextCursor;
    if (!data.hasMore) break;
  }
  await Promise.all(jobs);
  const ms = performance.now() - started;
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  return ms;
}

async function engineRun(systems: Systems): Promise<{ ms: number; inMs: number; prefix: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dl-bench-'));
  const config = loadConfig({
    REDIS_PREFIX: `bench${randomUUID().slice(0, 6)}`,
    ARCHIVE_URL: join(dir, 'archive'),
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    WORKER_CONCURRENCY: '2',
  });
  const hub = await openHub(config, createLogger('warn'), {
    masterKey: randomBytes(32),
    archive: createArchive({ url: config.ARCHIVE_URL }),
  });
  const engine = createEngine(hub, { mappings: new DirectoryMappingSource(MAPPINGS) });
  const pool = await startWorkers(hub, [engine.queue.processor()]);
  const events = new QueueEvents(engine.queue.queue.name, {
    connection: new Redis({ maxRetriesPerRequest: null }),
    prefix: hub.keys.queuePrefix(),
  });
  await hub.tenants.create({ id: 'bench', name: 'Bench Motors' });
  const conn = async (url: string) =>
    (
      await hub.connections.create('bench', {
        connectorId: 'http-json',
        name: url,
        settings: { baseUrl: url, pageSize: PAGE, batchSize: BATCH, requestsPerSecond: 10_000 },
      })
    ).id;
  const inbound = await engine.service.create('bench', {
    name: 'in',
    connectionId: await conn(systems.source),
    mapping: 'crm-a-contacts',
    mode: 'inbound',
  });
  const outbound = await engine.service.create('bench', {
    name: 'out',
    connectionId: await conn(systems.sink),
    mapping: 'crm-a-contacts',
    mode: 'outbound',
    debounceMs: 100,
  });
  // The engine runs as deployed: the inbound run wakes the outbound sync while it reads (debounced
  // by the sync's debounceMs), so records stream out behind it. Timed from the inbound run's
  // start until the sink holds every record and the outbound sync has no run left to do.
  const started = performance.now();
  const job = await engine.queue.queue.getJob(await engine.service.runNow('bench', inbound.id));
  const inCounts = ((await job!.waitUntilFinished(events)) as { counts: Record<string, number> })
    .counts;
  const inMs = performance.now() - started;
  while ((await sinkCount(systems)) < RECORDS) await sleep(10);
  for (;;) {
    const running = await engine.queue.queue.getJobCounts('active', 'waiting', 'delayed');
    if (Object.values(running).every((n) => n === 0)) break;
    await sleep(10);
  }
  const ms = performance.now() - started;
  const runs = await engine.service.runs('bench', outbound.id, 200);
  const written = runs.reduce((n, r) => n + r.counts.written, 0);
  if (inCounts.created !== RECORDS || written !== RECORDS) {
    throw new Error(
      `engine moved the wrong counts: in ${JSON.stringify(inCounts)}, written ${written} in ${runs.length} outbound runs`,
    );
  }
  await pool.close();
  await events.close();
  await engine.queue.queue.obliterate({ force: true });
  await engine.close();
  let c = '0';
  do {
    const [next, batch] = await hub.redis.scan(
      c,
      'MATCH',
      `${config.REDIS_PREFIX}:*`,
      'COUNT',
      1000,
    );
    if (batch.length) await hub.redis.del(...batch);
    c = next;
  } while (c !== '0');
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
  return { ms, inMs, prefix: config.REDIS_PREFIX };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records the sink holds (every stream). */
async function sinkCount(systems: Systems): Promise<number> {
  const held = (await axios.get(`${systems.control}/counts`)).data as Record<string, number>;
  return held.contacts ?? 0;
}

/** URLs of the systems process. */
interface Systems {
  source: string;
  sink: string;
  control: string;
}

/** Starts the source and sink in their own process and waits for their URLs. */
async function startSystems(): Promise<{ systems: Systems; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'support/systems.ts')],
    {
      env: { ...process.env, RECORDS: String(RECORDS) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`systems process exited with ${code}`)));
  });
  return { systems: JSON.parse(line) as Systems, child };
}

const { systems, child } = await startSystems();
const rate = (ms: number) => Math.round(RECORDS / (ms / 1000));
// The engine runs first, so its peak memory is its own (the floor's job payloads would inflate it).
const probe = new Redis({ maxRetriesPerRequest: null });
const cpuDelta = async (before: Awaited<ReturnType<typeof cpuNow>>) => {
  const after = await cpuNow(probe, child.pid!);
  return `CPU s: this process ${(after.self - before.self).toFixed(1)}, source+sink ${(after.systems - before.systems).toFixed(1)}, redis ${(after.redis - before.redis).toFixed(1)}`;
};
let cpuBefore = await cpuNow(probe, child.pid!);
const engineResult = await engineRun(systems);
const engineCpu = await cpuDelta(cpuBefore);
cpuBefore = await cpuNow(probe, child.pid!);
const enginePeak = peakRss;
peakRss = 0;
const floorMs = await floor(systems, `benchfloor${randomUUID().slice(0, 6)}`);
const floorPeak = peakRss;
const floorCpu = await cpuDelta(cpuBefore);
await probe.quit();
const held = (await axios.get(`${systems.control}/counts`)).data as Record<string, number>;
if (held.contacts !== RECORDS || held.floor !== RECORDS) {
  throw new Error(`the sink did not receive every record: ${JSON.stringify(held)}`);
}
clearInterval(sampler);
child.kill();

const ratio = engineResult.ms > 0 ? floorMs / engineResult.ms : 0;
process.stdout.write(
  [
    `records: ${RECORDS.toLocaleString('en-US')} (pages of ${PAGE}, write batches of ${BATCH})`,
    `floor (bare BullMQ, same source/sink/batches): ${rate(floorMs).toLocaleString('en-US')} records/s`,
    `engine (inbound + outbound):                   ${rate(engineResult.ms).toLocaleString('en-US')} records/s` +
      `  [inbound run done after ${(engineResult.inMs / 1000).toFixed(1)} s, all at the sink after ${(engineResult.ms / 1000).toFixed(1)} s]`,
    `floor  ${floorCpu}`,
    `engine ${engineCpu}`,
    `engine / floor: ${ratio.toFixed(2)}  (goal ≥ 0.50)`,
    `peak RSS of this process during the engine run (hub + workers; source and sink run in another process): ${Math.round(enginePeak / 1_048_576)} MB (goal < 200 MB); during the floor run: ${Math.round(floorPeak / 1_048_576)} MB`,
  ].join('\n') + '\n',
);
process.exit(0);
