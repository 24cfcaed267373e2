import { describe, expect, it } from 'vitest';

import { REFUSED_BATCHES, SPLIT_REQUESTS } from '../../src/sync/sink-write.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { ingestContacts, useEngineWithSystems } from '../support/engine.ts';
import { expectExactlyOnce } from './support.ts';

// Issue 12 acceptance, through the engine on real Redis: one batch of 500 records that the
// destination refuses whole (400, naming no record) because 3 of them are bad. The batch sink
// splits it to find the 3, quarantines them with the vendor's reason, and delivers the other 497.

const t = useEngineWithSystems('source', 'dest');
const svc = () => t.h.engine.service.svc;
const RECORDS = 500;
const BAD = [13, 256, 498];
const emailOf = (i: { record: Record<string, unknown> }) =>
  (i.record.contact as { email: string }).email;

describe('a refused batch of 500 with 3 bad records', () => {
  it('delivers 497 once and quarantines the 3 with the reason', async () => {
    await ingestContacts(t.h, t.source, RECORDS);
    const outbound = await t.h.addSync({
      connectionId: await t.h.connect('crm-b', t.dest, { batchSize: RECORDS }),
      mapping: 'crm-b-people',
      mode: 'outbound',
    });
    const bad = new Set(BAD.map((i) => `person${i}@example.com`));
    const sizes: number[] = [];
    t.dest.onWrite = (_sink, count) => void sizes.push(count);
    t.dest.batchFault = (items) =>
      items.some((i) => bad.has(emailOf(i)))
        ? { kind: 'status', status: 400, body: { error: 'the batch holds an invalid record' } }
        : null;

    const report = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');

    expect(sizes[0]).toBe(RECORDS); // one batch of 500, refused whole
    expect(report?.status).toBe('succeeded');
    expect(report?.counts).toMatchObject({ written: 497, quarantined: 3, failed: 0 });
    expect(report?.notes?.[REFUSED_BATCHES]).toBe(1);
    expectExactlyOnce(
      'refused batch of 500, 3 bad',
      Array.from({ length: RECORDS }, (_, i) => i)
        .filter((i) => !BAD.includes(i))
        .map((i) => `person${i}@example.com`),
      t.dest.list('people').map((r) => (r.contact as { email: string }).email),
      RECORDS,
    );
    const quarantine = await svc().quarantine.list(t.h.tenantId, outbound.id);
    expect(quarantine.map((q) => (q.record.contact as { email: string }).email).sort()).toEqual(
      [...bad].sort(),
    );
    for (const q of quarantine)
      expect(q.problems[0]!.reason).toMatch(/answered 400.*the batch holds an invalid record/);
    expect(await svc().deadLetters.list(t.h.tenantId, outbound.id)).toEqual([]);
    console.log(
      `refused batch: 500 records, 3 bad: ${sizes.length} write requests (${report?.notes?.[SPLIT_REQUESTS]} to split)`,
    );
    // Delivered and quarantined records are behind the cursor: the next run sends nothing.
    const again = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(again?.counts).toMatchObject({ written: 0, quarantined: 0 });
  });
});
