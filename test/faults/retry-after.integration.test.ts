import { describe, expect, it } from 'vitest';

import { ParkedError } from '../../src/sdk/errors.ts';
import { DEFAULT_RETRY } from '../../src/sdk/retry.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { ingestContacts, useEngineWithSystems } from '../support/engine.ts';

const t = useEngineWithSystems('source', 'dest');
const svc = () => t.h.engine.service.svc;

describe('a vendor wait past the in-run cap parks the run', () => {
  it('Retry-After: 3600 → one request, no retry a second later, the run parked with the time', async () => {
    await ingestContacts(t.h, t.source, 20);
    const outbound = await t.h.addSync({
      connectionId: await t.h.connect('crm-b', t.dest, { batchSize: 50 }),
      mapping: 'crm-b-people',
      mode: 'outbound',
    });
    t.dest.faults = [{ status: 429, times: 1000, retryAfter: 3600, match: /batch$/ }];
    const before = Date.now();
    const err = await runSync(svc(), t.h.tenantId, outbound.id, 'manual').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParkedError);
    expect(3600_000).toBeGreaterThan(DEFAULT_RETRY.maxRetryAfterMs);
    expect(t.dest.requests.filter((r) => r.status === 429)).toHaveLength(1);
    const [run] = await t.h.engine.service.runs(t.h.tenantId, outbound.id, 1);
    expect(run?.status).toBe('parked');
    const until = Date.parse(run!.parkedUntil!);
    expect(until).toBeGreaterThanOrEqual(before + 3600_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(run?.errors.join()).toMatch(/parked until/);
    // Nothing was written and nothing recorded as sent: the next run delivers all 20.
    t.dest.faults = [];
    const next = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(next?.status).toBe('succeeded');
    expect(t.dest.list('people')).toHaveLength(20);
  });
});
