/**
 * Sync benchmark: N records inbound (HTTP source → mapping → identity → canonical store → change
 * log) and outbound (change log → mapping → hash check → HTTP sink), through real Redis and BullMQ,
 * against the floor: a bare BullMQ pipeline moving the same records in the same batch sizes from
 * the same source to the same sink, with no mapping, archive or state.
 *
 * Both run as deployed: WORKERS worker processes (default 2, one job at a time each) take the jobs;
 * the engine's are `dealerloop worker` built to JavaScript (`npm run compile`, which bench:sync
 * runs first) with the NODE_OPTIONS of docker-compose.yml's worker service, the floor's a bare
 * BullMQ worker. Source and sink run in a process of their own;
 * this process only sets up, starts the run and watches. Memory is each worker's peak RSS (VmHWM).
 *
 *   npm run bench:sync              (100,000 records)
 *   RECORDS=20000 npm run bench:sync
 *   ROUNDS=5 npm run bench:sync     (engine and floor in turn 5 times, then the medians: this
 *                                    machine's speed drifts, and only runs side by side compare)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import axios from 'axios';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

import { createArchive } from '../src/archive/index.ts';
import { loadConfig } from '../src/config/env.ts';
import { openHub } from '../src/hub.ts';
import { createLogger } from '../src/log/logger.ts';
import { createEngine } from '../src/runtime/engine.ts';
import { DirectoryMappingSource } from '../src/sync/mapping-source.ts';
import { deleteByPrefix } from '../test/support/hub.ts';
import { deployedNodeOptions } from './support/deployed.ts';
import { commandCounts, commandLines, slowlogLines, startSlowlog } from './support/commandstats.ts';
import { BENCH_REDIS_URL, benchRedis } from './support/redis.ts';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const WORKERS = Number(process.env.WORKERS ?? 2);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const PAGE = 1_000;
const BATCH = 500;
const ROOT = join(import.meta.dirname, '..');
const MAPPINGS = join(ROOT, 'test/sync/fixtures/mappings');
const COMPILED_CLI = join(ROOT, 'dist/src/cli/main.js');
/** The worker service's NODE_OPTIONS in docker-compose.yml: the workers run as deployed. */
const DEPLOYED_NODE_OPTIONS = deployedNodeOptions('worker');
/** Extra node flags for the engine's workers (e.g. `--cpu-prof`), space-separated. */
const WORKER_NODE_ARGS = (process.env.WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** Every process started, stopped when this one exits however it exits. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** URLs of the systems process. */
interface Systems {
  source: string;
  sink: string;
  control: string;
}

/** Records the sink holds, per stream. */
async function sinkCounts(systems: Systems): Promise<Record<string, number>> {
  return (await axios.get(`${systems.control}/counts`)).data as Record<string, number>;
}

/** Starts a process and resolves once its stdout matches `ready` (with what it printed so far). */
async function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<ChildProcess & { printed: string }> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let buf = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (ready.test(buf)) {
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining whatever it writes later
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return Object.assign(child, { printed: buf });
}

/** Stops a process and waits for it to exit. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** CPU seconds a process has used so far. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}

/** Peak resident memory of a process so far, in MB. */
function peakRssOf(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 1024);
}

/** Redis's own CPU seconds so far (it is shared, so this is approximate). */
async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const num = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return num('used_cpu_user') + num('used_cpu_sys');
}

/** Bytes Redis has received and sent so far (all clients; approximate, as for its CPU). */
async function redisBytes(redis: Redis): Promise<{ in: number; out: number }> {
  const info = await redis.info('stats');
  const num = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? 0);
  return { in: num('total_net_input_bytes'), out: num('total_net_output_bytes') };
}

/** What one side measured. */
interface Result {
  ms: number;
  workerPeakMb: number[];
  cpu: { workers: number[]; systems: number; redis: number };
  /** MB sent to and read from Redis. */
  redisMb: { in: number; out: number };
  /** COMMANDSTATS=1 or SLOWLOG=1: Redis's time by command and script (lines). */
  commands: string;
  note?: string;
}

/** Runs `body` between CPU readings of the workers, the systems process and Redis. */
async function measured(
  workers: ChildProcess[],
  systemsPid: number,
  body: () => Promise<{ ms: number; note?: string }>,
): Promise<Result> {
  const probe = benchRedis();
  const workersCpu = () => workers.map((w) => cpuOf(w.pid!));
  const before = {
    workers: workersCpu(),
    systems: cpuOf(systemsPid),
    redis: await redisCpu(probe),
    bytes: await redisBytes(probe),
    commands: await commandCounts(probe),
  };
  await startSlowlog(probe);
  const { ms, note } = await body();
  const bytes = await redisBytes(probe);
  const commands =
    commandLines(before.commands, await commandCounts(probe), RECORDS) +
    (await slowlogLines(probe, RECORDS));
  const redisMb = {
    in: (bytes.in - before.bytes.in) / 1e6,
    out: (bytes.out - before.bytes.out) / 1e6,
  };
  const cpu = {
    workers: workersCpu().map((c, i) => c - before.workers[i]!),
    systems: cpuOf(systemsPid) - before.systems,
    redis: (await redisCpu(probe)) - before.redis,
  };
  const workerPeakMb = workers.map((w) => peakRssOf(w.pid!));
  await probe.quit();
  return { ms, workerPeakMb, cpu, redisMb, commands, note };
}

/** The floor: pages read from the source become jobs; the floor workers post each batch to the sink. */
async function floor(systems: Systems, systemsPid: number, sinkName: string): Promise<Result> {
  const prefix = `benchfloor${randomUUID().slice(0, 6)}`;
  const name = `floor-${randomUUID()}`;
  const connection = benchRedis();
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection: connection.duplicate(), prefix });
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startProcess(
        ['--import', 'tsx', join(import.meta.dirname, 'support/floor-worker.ts')],
        {
          QUEUE: name,
          PREFIX: prefix,
          SINK: systems.sink,
          SINK_NAME: sinkName,
          BATCH: String(BATCH),
          CONCURRENCY: '1',
        },
        /ready/,
      ),
    ),
  );
  try {
    return await measured(workers, systemsPid, async () => {
      const started = performance.now();
      let cursor: string | null = null;
      const jobs = [];
      for (;;) {
        const {
          data,
        }: { data: { records: unknown[]; nextCursor: string | null; hasMore: boolean } } =
          await axios.get(`${systems.source}/contacts`, {
            params: { limit: PAGE, ...(cursor ? { cursor } : {}) },
          });
        jobs.push((await queue.add('page', { records: data.records })).waitUntilFinished(events));
        cursor = data.nextCursor;
        if (!data.hasMore) break;
      }
      await Promise.all(jobs);
      return { ms: performance.now() - started };
    });
  } finally {
    await Promise.all(workers.map(stopProcess));
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  }
}

/**
 * The engine as deployed: an inbound sync from the source and an outbound sync to the sink on the
 * canonical customers; the inbound run wakes the outbound sync while it reads (debounced by the
 * sync's debounceMs), so records stream out behind it. Timed from the inbound run's start until
 * the sink holds every record and no outbound run is left to do.
 */
async function engineRun(systems: Systems, systemsPid: number, sinkName: string): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'dl-bench-'));
  const env = {
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: `bench${randomUUID().slice(0, 6)}`,
    ARCHIVE_URL: join(dir, 'archive'),
    DATA_DIR: dir,
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: '1',
    MAPPINGS_DIR: MAPPINGS,
    HUB_MASTER_KEY: randomBytes(32).toString('hex'),
    NODE_OPTIONS: DEPLOYED_NODE_OPTIONS,
  };
  const config = loadConfig({ ...env, LOG_LEVEL: 'warn' });
  const hub = await openHub(config, createLogger('warn'), {
    archive: createArchive({ url: config.ARCHIVE_URL }),
  });
  const engine = createEngine(hub, { mappings: new DirectoryMappingSource(MAPPINGS) });
  const events = new QueueEvents(engine.queue.queue.name, {
    connection: benchRedis(),
    prefix: hub.keys.queuePrefix(),
  });
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startProcess([...WORKER_NODE_ARGS, COMPILED_CLI, 'worker'], env, /workers started/),
    ),
  );
  try {
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
      sink: sinkName,
      debounceMs: 100,
    });
    return await measured(workers, systemsPid, async () => {
      const started = performance.now();
      const job = await engine.queue.queue.getJob(await engine.service.runNow('bench', inbound.id));
      const { counts: inCounts } = (await job!.waitUntilFinished(events)) as {
        counts: Record<string, number>;
      };
      const inMs = performance.now() - started;
      await axios.get(`${systems.control}/wait`, {
        params: { stream: sinkName, count: RECORDS },
        timeout: 0,
      });
      for (;;) {
        const left = await engine.queue.queue.getJobCounts('active', 'waiting', 'delayed');
        if (Object.values(left).every((n) => n === 0)) break;
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
      return {
        ms,
        note: `inbound run done after ${(inMs / 1000).toFixed(1)} s, all at the sink after ${(ms / 1000).toFixed(1)} s, ${runs.length} outbound runs`,
      };
    });
  } finally {
    await Promise.all(workers.map(stopProcess));
    await events.close();
    await engine.queue.queue.obliterate({ force: true });
    await engine.close();
    await deleteByPrefix(hub, `${env.REDIS_PREFIX}:*`);
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(COMPILED_CLI)) {
  throw new Error(`${COMPILED_CLI} is missing: run "npm run compile" (npm run bench:sync does)`);
}
const systemsProcess = await startProcess(
  ['--import', 'tsx', join(import.meta.dirname, 'support/systems.ts')],
  { RECORDS: String(RECORDS) },
  /\n/,
);
const systems = JSON.parse(systemsProcess.printed.split('\n')[0]!) as Systems;
const rate = (ms: number) => Math.round(RECORDS / (ms / 1000)).toLocaleString('en-US');
const cpu = (r: Result) =>
  `CPU s: workers ${r.cpu.workers.map((c) => c.toFixed(1)).join(' + ')}, source+sink ${r.cpu.systems.toFixed(1)}, redis ${r.cpu.redis.toFixed(1)}; redis MB in ${r.redisMb.in.toFixed(0)}, out ${r.redisMb.out.toFixed(0)}`;
/** CPU per record of the workers and of Redis, finer than the seconds `cpu` prints. */
const perRecord = (r: Result) => {
  const us = (s: number) => ((s * 1e6) / RECORDS).toFixed(1);
  return `CPU per record: workers ${us(r.cpu.workers.reduce((a, b) => a + b, 0))} µs, redis ${us(r.cpu.redis)} µs`;
};
/** One round: the engine, then the floor, each into a sink stream of its own. */
async function round(n: number) {
  const engine = await engineRun(systems, systemsProcess.pid!, `contacts-${n}`);
  const bare = await floor(systems, systemsProcess.pid!, `floor-${n}`);
  const held = await sinkCounts(systems);
  if (held[`contacts-${n}`] !== RECORDS || held[`floor-${n}`] !== RECORDS) {
    throw new Error(`the sink did not receive every record: ${JSON.stringify(held)}`);
  }
  const ratio = bare.ms / engine.ms;
  const peak = Math.max(...engine.workerPeakMb);
  process.stdout.write(
    [
      ...(ROUNDS > 1 ? [`round ${n} of ${ROUNDS}`] : []),
      `floor (bare BullMQ, same source/sink/batches): ${rate(bare.ms)} records/s  [${cpu(bare)}]`,
      `engine (inbound + outbound):                   ${rate(engine.ms)} records/s  [${cpu(engine)}]` +
        `  (goal ≥ 20,000: ${RECORDS / (engine.ms / 1000) >= 20_000 ? 'met' : 'NOT met'})`,
      `  ${engine.note}; ${perRecord(engine)}`,
      `engine / floor: ${ratio.toFixed(2)}  (goal ≥ 0.50)`,
      ...(engine.commands ? [`engine's Redis commands:\n${engine.commands.trimEnd()}`] : []),
      `peak RSS per engine worker process: ${engine.workerPeakMb.join(', ')} MB (goal < 200 MB: ${peak < 200 ? 'met' : 'NOT met'}); floor workers: ${bare.workerPeakMb.join(', ')} MB`,
    ].join('\n') + '\n',
  );
  return { engineRate: RECORDS / (engine.ms / 1000), ratio, peak };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

process.stdout.write(
  `records: ${RECORDS.toLocaleString('en-US')} (pages of ${PAGE}, write batches of ${BATCH}), ${WORKERS} worker processes` +
    ` (engine workers with NODE_OPTIONS="${DEPLOYED_NODE_OPTIONS}", as docker-compose.yml deploys them)\n`,
);
const rounds = [];
for (let n = 1; n <= ROUNDS; n++) rounds.push(await round(n));
await stopProcess(systemsProcess);
if (ROUNDS > 1) {
  const engineRate = median(rounds.map((r) => r.engineRate));
  const ratio = median(rounds.map((r) => r.ratio));
  const peak = Math.max(...rounds.map((r) => r.peak));
  process.stdout.write(
    `median of ${ROUNDS} rounds: engine ${Math.round(engineRate).toLocaleString('en-US')} records/s` +
      ` (goal ≥ 20,000: ${engineRate >= 20_000 ? 'met' : 'NOT met'}), engine / floor ${ratio.toFixed(2)}` +
      ` (goal ≥ 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'}); highest engine worker peak RSS ${peak} MB` +
      ` (goal < 200 MB: ${peak < 200 ? 'met' : 'NOT met'})\n`,
  );
}
process.exit(0);
