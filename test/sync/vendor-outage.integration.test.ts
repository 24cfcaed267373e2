import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';

import { runSync, VENDOR_UNAVAILABLE } from '../../src/sync/run-sync.ts';
import { ingestContacts, useEngineWithSystems } from '../support/engine.ts';

// A vendor outage (5xx past every retry) says nothing about the records: the run ends failed with
// "vendor unavailable ... resumes from the saved cursor", nothing quarantined, dead-lettered or
// skipped, and the next run reads and writes exactly what the failed one did not.

const t = useEngineWithSystems('source', 'dest');
const svc = () => t.h.engine.service.svc;

/** The sync's latest run report, and what it sent to quarantine and dead letters. */
async function aftermath(syncId: string) {
  const [run] = await svc().runs.list(t.h.tenantId, syncId, 1);
  return {
    run: run!,
    quarantined: (await svc().quarantine.list(t.h.tenantId, syncId)).length,
    deadLetters: (await svc().deadLetters.list(t.h.tenantId, syncId)).length,
  };
}

const UNAVAILABLE = new RegExp(
  `^${VENDOR_UNAVAILABLE} after every retry \\(.*503.*\\): nothing was skipped, the next run resumes from the saved cursor$`,
);

describe('a vendor outage that outlasts the retries', () => {
  it('inbound: the run fails "vendor unavailable", keeps the pages committed, and the next run reads only the rest', async () => {
    for (let i = 0; i < 300; i++)
      t.source.put('contacts', {
        id: `a-${i}`,
        email: `person${i}@example.com`,
        updated_at: '2026-11-20T10:00:00Z',
      });
    const inbound = await t.h.addSync({
      connectionId: await t.h.connect('http-json', t.source, { pageSize: 100 }),
      mapping: 'crm-a-contacts',
      mode: 'inbound',
    });
    t.source.onRead = (n) => {
      if (n === 2) t.source.faults = [{ status: 503, times: 1000 }]; // after page 2 is answered
    };
    const err = await runSync(svc(), t.h.tenantId, inbound.id, 'manual').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UnrecoverableError); // BullMQ retries the job later
    const failed = await aftermath(inbound.id);
    expect(failed.run.status).toBe('failed');
    expect(failed.run.errors).toEqual([expect.stringMatching(UNAVAILABLE)]);
    expect(failed.run.counts).toMatchObject({ read: 200, created: 200, quarantined: 0 });
    expect([failed.quarantined, failed.deadLetters]).toEqual([0, 0]);

    t.source.faults = [];
    t.source.onRead = null;
    const again = await runSync(svc(), t.h.tenantId, inbound.id, 'manual');
    // Resumed from the cursor: only the last page is read; with the 200 before, all 300 are in.
    expect(again).toMatchObject({ status: 'succeeded', counts: { read: 100, created: 100 } });
  });

  it('outbound: the run fails "vendor unavailable" with no record dead-lettered; the next run delivers the rest once', async () => {
    await ingestContacts(t.h, t.source, 300, (i) => ({ first_name: `p${i}` }));
    const outbound = await t.h.addSync({
      connectionId: await t.h.connect('crm-b', t.dest, { batchSize: 50 }),
      mapping: 'crm-b-people',
      mode: 'outbound',
    });
    let batches = 0;
    t.dest.onWrite = () => {
      if (++batches === 3) t.dest.faults = [{ status: 503, times: 1000 }];
    };
    const err = await runSync(svc(), t.h.tenantId, outbound.id, 'manual').catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    const failed = await aftermath(outbound.id);
    expect(failed.run.status).toBe('failed');
    expect(failed.run.errors).toEqual([expect.stringMatching(UNAVAILABLE)]);
    expect(failed.run.counts).toMatchObject({ failed: 0, quarantined: 0 });
    expect([failed.quarantined, failed.deadLetters]).toEqual([0, 0]);

    t.dest.faults = [];
    t.dest.onWrite = null;
    const again = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(again).toMatchObject({ status: 'succeeded', counts: { failed: 0, quarantined: 0 } });
    expect(t.dest.list('people')).toHaveLength(300);
  });
});
