import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runSync } from '../../src/sync/run-sync.ts';
import { SYNC_QUEUE } from '../../src/sync/sync-queue.ts';
import { openEngineHarness, TEST_MAPPINGS, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';

const BIN = join(import.meta.dirname, '../../bin/dealerloop.js');
const RECORDS = 2_000;
const masterKey = randomBytes(32).toString('hex');

let h: EngineHarness;
let source: FakeSystem;
let dest: FakeSystem;

beforeAll(async () => {
  h = await openEngineHarness({ HUB_MASTER_KEY: masterKey }, { queueName: SYNC_QUEUE });
  source = await new FakeSystem().start();
  dest = await new FakeSystem().start();
});
afterAll(async () => {
  await h.close();
  await source.stop();
  await dest.stop();
});

/** A `dealerloop worker` process on the test's Redis prefix, mappings and master key. */
function worker(): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      ...process.env,
      REDIS_PREFIX: h.config.REDIS_PREFIX,
      HUB_MASTER_KEY: masterKey,
      MAPPINGS_DIR: TEST_MAPPINGS,
      ARCHIVE_URL: h.config.ARCHIVE_URL,
      DATA_DIR: h.config.DATA_DIR,
      JOB_LOCK_MS: '2000',
      // Stopping a worker at the end of a failed test must not leave a run writing after cleanup.
      SHUTDOWN_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  return { child, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a worker killed in the middle of an outbound batch', () => {
  it('after restart every record reaches the destination exactly once in effect, none missing', async () => {
    for (let i = 0; i < RECORDS; i++) {
      source.put('contacts', {
        id: `a-${i}`,
        email: `buyer${i}@example.com`,
        first_name: `b${i}`,
        updated_at: '2026-11-20T10:00:00Z',
      });
    }
    const inbound = await h.addSync({
      connectionId: await h.connect('http-json', source, { pageSize: 500 }),
      mapping: 'crm-a-contacts',
      mode: 'inbound',
    });
    await runSync(h.engine.service.svc, h.tenantId, inbound.id, 'manual');
    const outbound = await h.addSync({
      connectionId: await h.connect('http-json', dest, { batchSize: 100 }),
      mapping: 'crm-a-contacts',
      mode: 'outbound',
    });

    const first = worker();
    let batches = 0;
    dest.afterApply = async () => {
      // The 5th batch is applied at the destination, then the worker dies before it hears so.
      if (++batches === 5) {
        first.child.kill('SIGKILL');
        await first.exited;
      }
    };
    await h.engine.queue.runNow(outbound);
    expect(await first.exited).toBeNull(); // killed by the signal
    expect(dest.list('contacts').length).toBeLessThan(RECORDS);

    dest.afterApply = null;
    const second = worker();
    try {
      await until(
        async () =>
          (await h.engine.service.svc.runs.list(h.tenantId, outbound.id)).some(
            (r) => r.status === 'succeeded',
          ),
        'the restarted run to succeed',
      );
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    // The killed worker's run is closed as interrupted, not left `running` forever.
    const statuses = (await h.engine.service.svc.runs.list(h.tenantId, outbound.id)).map(
      (r) => r.status,
    );
    expect(statuses).toContain('interrupted');
    expect(statuses).not.toContain('running');
    const emails = dest.list('contacts').map((r) => r.email);
    expect(emails).toHaveLength(RECORDS);
    expect(new Set(emails).size).toBe(RECORDS);
    expect(dest.applied.get('contacts')?.size).toBe(RECORDS);
    // The batch in flight at the crash was delivered again and absorbed by its idempotency keys.
    expect(dest.delivered).toBeGreaterThan(RECORDS);
    // And every canonical record is linked to the destination record it really became.
    const links = await h.hub.redis.hgetall(
      h.hub.keys.links(h.tenantId, outbound.connectionId, 'contacts'),
    );
    expect(Object.keys(links).sort()).toEqual(
      dest
        .list('contacts')
        .map((r) => String(r.id))
        .sort(),
    );
    expect(new Set(Object.values(links)).size).toBe(RECORDS);
  }, 90_000);
});
