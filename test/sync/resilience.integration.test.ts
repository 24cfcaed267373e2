import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';

import { runSync } from '../../src/sync/run-sync.ts';
import { FAST_RETRY, ingestContacts, useEngineWithSystems } from '../support/engine.ts';

const t = useEngineWithSystems('source', 'dest');

const svc = () => t.h.engine.service.svc;

/** 300 contacts in A, an inbound sync from A and an outbound sync to B in batches of 50. */
async function setup() {
  await ingestContacts(t.h, t.source, 300, (i) => ({ first_name: `p${i}` }));
  const outbound = await t.h.addSync({
    connectionId: await t.h.connect('crm-b', t.dest, { batchSize: 50 }),
    mapping: 'crm-b-people',
    mode: 'outbound',
  });
  return { outbound };
}

describe('failing vendor APIs', () => {
  it('429 with Retry-After and bursts of 503: the run waits, retries and loses nothing', async () => {
    const { outbound } = await setup();
    t.dest.faults = [
      { status: 429, times: 2, retryAfter: 1, match: /batch$/ },
      { status: 503, times: 3, match: /batch$/ },
    ];
    const report = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(report?.status).toBe('succeeded');
    expect(report?.counts).toMatchObject({ written: 300, failed: 0, quarantined: 0 });
    expect(t.dest.requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(t.dest.requests.filter((r) => r.status === 503)).toHaveLength(3);
    expect(t.dest.list('people')).toHaveLength(300);
    expect(
      new Set(t.dest.list('people').map((r) => (r.contact as { email: string }).email)).size,
    ).toBe(300);
    // The 429's Retry-After paused the connection's shared budget for every worker.
    expect(
      Number(
        await t.h.hub.redis.hget(
          t.h.hub.keys.rateBucket(t.h.tenantId, outbound.connectionId),
          'until',
        ),
      ),
    ).toBeGreaterThan(0);
  });

  it('auth failure: the connection is marked broken with a clear status, one request, no retry', async () => {
    const { outbound } = await setup();
    t.dest.faults = [{ status: 401, times: 1000 }];
    const err = await runSync(svc(), t.h.tenantId, outbound.id, 'manual').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    // At most the batches already in flight (the connection's concurrency, 2): no retry storm.
    expect(t.dest.requests.length).toBeLessThanOrEqual(2);
    expect(t.dest.requests.every((r) => r.status === 401)).toBe(true);
    const conn = await t.h.hub.connections.get(t.h.tenantId, outbound.connectionId);
    expect(conn.status).toBe('broken');
    expect(conn.statusReason).toMatch(/CRM B refused the credentials: POST .*answered 401/);
    const [run] = await svc().runs.list(t.h.tenantId, outbound.id);
    expect(run).toMatchObject({ status: 'failed', errors: [expect.stringMatching(/401/)] });
    // Nothing was acknowledged, so nothing is lost: with new credentials the next run sends all.
    t.dest.faults = [];
    await t.h.hub.connections.update(t.h.tenantId, outbound.connectionId, {
      credentials: { token: 'new-token' },
    });
    const again = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(again?.counts.written).toBe(300);
  });

  it('retryable failures that outlast the retries fail the run for BullMQ to retry later, keeping the cursor', async () => {
    const { outbound } = await setup();
    let batches = 0;
    t.dest.onWrite = () => {
      batches++;
      if (batches === 3) t.dest.faults = [{ status: 503, times: 1000 }];
    };
    const err = await runSync(svc(), t.h.tenantId, outbound.id, 'manual').catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toMatch(/503/);
    // The failed run waited for its other lane: nothing of it is still retrying (the retry
    // policy gives up within 6 × 50 ms), so no batch lands after the run ended.
    const requestsAtEnd = t.dest.requests.length;
    await new Promise((resolve) =>
      setTimeout(resolve, 2 * FAST_RETRY.attempts * FAST_RETRY.maxDelayMs),
    );
    expect(t.dest.requests.length).toBe(requestsAtEnd);
    t.dest.faults = [];
    t.dest.onWrite = null;
    const again = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(again?.status).toBe('succeeded');
    expect(t.dest.list('people')).toHaveLength(300);
  });

  it('records a destination refuses are quarantined with its reason; the rest arrive', async () => {
    const { outbound } = await setup();
    t.dest.rejectItem = (r) =>
      (r.contact as { email: string }).email === 'person7@example.com'
        ? 'email is on the do-not-contact list'
        : null;
    const report = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(report?.counts).toMatchObject({ written: 299, quarantined: 1 });
    const [entry] = await svc().quarantine.list(t.h.tenantId, outbound.id);
    expect(entry).toMatchObject({
      direction: 'out',
      problems: [{ field: 'email', reason: 'email is on the do-not-contact list' }],
    });
  });
});
