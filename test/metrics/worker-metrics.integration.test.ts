import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registry } from '../../src/metrics/metrics.ts';
import { SYNC_QUEUE } from '../../src/sync/sync-queue.ts';
import { openEngineHarness, TEST_MAPPINGS, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';
import { parsePromText, sumOf, type PromSample } from '../support/prom-text.ts';
import { freePort } from '../support/redis-server.ts';

const BIN = join(import.meta.dirname, '../../bin/dealerloop.js');
const masterKey = randomBytes(32).toString('hex');

let h: EngineHarness;
let system: FakeSystem;
let worker: ChildProcess;
let exited: Promise<number | null>;
let metricsUrl: string;

async function until(check: () => Promise<boolean>, what: string, ms = 120_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const scrape = async (): Promise<PromSample[]> => {
  const res = await fetch(metricsUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePromText(await res.text());
};

beforeAll(async () => {
  // The test process queues the run; only the worker child process may run it.
  h = await openEngineHarness({ HUB_MASTER_KEY: masterKey }, { queueName: SYNC_QUEUE });
  system = await new FakeSystem().start();
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  worker = spawn(process.execPath, [BIN, 'worker', '--metrics-port', String(port)], {
    env: {
      ...process.env,
      REDIS_PREFIX: h.config.REDIS_PREFIX,
      HUB_MASTER_KEY: masterKey,
      MAPPINGS_DIR: TEST_MAPPINGS,
      ARCHIVE_URL: h.config.ARCHIVE_URL,
      DATA_DIR: h.config.DATA_DIR,
      SHUTDOWN_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  exited = new Promise((r) => worker.on('exit', (code) => r(code)));
  await until(
    () =>
      fetch(metricsUrl).then(
        (r) => r.ok,
        () => false,
      ),
    'the worker /metrics',
  );
}, 180_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await exited;
  }
  await h?.close();
  await system?.stop();
});

describe('dealerloop worker --metrics-port', () => {
  it('serves the counters of the runs that worker process ran, as Prometheus text', async () => {
    const before = await scrape();
    const mine = parsePromText(await registry.metrics());
    for (let i = 0; i < 5; i++)
      system.put('contacts', {
        id: `w-${i}`,
        email: `w${i}@example.com`,
        updated_at: '2026-11-20T10:00:00Z',
      });
    system.put('contacts', { id: 'w-bad', email: 'nope', updated_at: '2026-11-20T10:00:00Z' });
    system.faults.push({ status: 429, times: 1, retryAfter: 0 });
    const sync = await h.addSync({
      connectionId: await h.connect('http-json', system),
      mapping: 'crm-a-contacts',
      mode: 'inbound',
    });
    await h.engine.queue.runNow(sync);
    await until(
      async () =>
        (await h.engine.service.svc.runs.list(h.tenantId, sync.id)).some(
          (r) => r.status === 'succeeded',
        ),
      'the worker to run the sync',
    );
    const after = await scrape();
    const d = (name: string, match: Record<string, string>) =>
      sumOf(after, name, match) - sumOf(before, name, match);
    const labels = { connector: 'http-json', stream: 'contacts', direction: 'in' };
    expect(d('dealerloop_records_total', { ...labels, outcome: 'read' })).toBe(6);
    expect(d('dealerloop_records_total', { ...labels, outcome: 'created' })).toBe(5);
    expect(d('dealerloop_records_total', { ...labels, outcome: 'quarantined' })).toBe(1);
    expect(
      d('dealerloop_run_duration_seconds_count', { connector: 'http-json', status: 'succeeded' }),
    ).toBe(1);
    expect(d('dealerloop_vendor_429_total', { connector: 'http-json' })).toBe(1);
    expect(
      d('dealerloop_vendor_errors_total', { connector: 'http-json', class: 'retryable' }),
    ).toBe(1);
    expect(after.some((s) => s.name === 'dealerloop_queue_jobs')).toBe(true);
    // The run happened in the worker process: this process's own registry did not move.
    const mineAfter = parsePromText(await registry.metrics());
    expect(sumOf(mineAfter, 'dealerloop_records_total', labels)).toBe(
      sumOf(mine, 'dealerloop_records_total', labels),
    );
  }, 180_000);

  it('answers 404 to anything but GET /metrics', async () => {
    const res = await fetch(metricsUrl.replace('/metrics', '/other'));
    expect(res.status).toBe(404);
    await res.text();
  });
});
