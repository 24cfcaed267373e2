import { describe, expect, it, vi } from 'vitest';

import { runSync } from '../../src/sync/run-sync.ts';
import { CHANGES_PER_STEP } from '../../src/sync/outbound.ts';
import { useEngineWithSystems } from '../support/engine.ts';

const t = useEngineWithSystems('source', 'sink');
const run = (syncId: string) => runSync(t.h.engine.service.svc, t.h.tenantId, syncId, 'manual');

const contact = (i: number, first = `person${i}`) => ({
  id: `c-${i}`,
  email: `p${i}@example.com`,
  first_name: first,
  updated_at: '2026-11-20T10:00:00Z',
});

/** `n` contacts in the source, an inbound sync reading them `pageSize` at a time, an outbound sync to the sink. */
async function sourceToSink(n: number, pageSize: number) {
  for (let i = 0; i < n; i++) t.source.put('contacts', contact(i));
  const inbound = await t.h.addSync({
    connectionId: await t.h.connect('http-json', t.source, { pageSize }),
    mapping: 'crm-a-contacts',
    mode: 'inbound',
  });
  const outbound = await t.h.addSync({
    connectionId: await t.h.connect('http-json', t.sink),
    mapping: 'crm-a-contacts',
    mode: 'outbound',
  });
  return { inbound, outbound };
}

describe('outbound steps', () => {
  it('a record in two consecutive steps is created once and arrives with its latest fields', async () => {
    // Step 1 is one change-log entry of CHANGES_PER_STEP records; step 2 changes one of them
    // again. Step 2 is prepared while step 1 is written, so it must be read again afterwards.
    const { inbound, outbound } = await sourceToSink(CHANGES_PER_STEP, CHANGES_PER_STEP);
    expect((await run(inbound.id))?.counts.created).toBe(CHANGES_PER_STEP);
    t.source.put('contacts', { ...contact(7, 'renamed'), updated_at: '2026-11-21T10:00:00Z' });
    expect((await run(inbound.id))?.counts.updated).toBe(1);

    // Follow the change log from its start (a new sync would walk the records instead).
    await t.h.engine.service.svc.syncs.saveOutboundCursor(t.h.tenantId, outbound.id, '0-0');
    const report = await run(outbound.id);
    expect(report?.counts).toMatchObject({ written: CHANGES_PER_STEP, skipped: 1 });
    const held = t.sink.list('contacts');
    expect(held).toHaveLength(CHANGES_PER_STEP); // no record created twice
    expect(held.filter((r) => r.email === 'p7@example.com')).toEqual([
      expect.objectContaining({ first_name: 'Renamed' }),
    ]);
    expect(t.sink.delivered).toBe(CHANGES_PER_STEP);
  });

  it('a run whose position the change log was trimmed past fails saying why, and the next walks again', async () => {
    const { inbound, outbound } = await sourceToSink(3, 1);
    await run(inbound.id);
    const svc = t.h.engine.service.svc;
    const [first] = await svc.records.readChanges(t.h.tenantId, '0', 1);
    await svc.syncs.saveOutboundCursor(t.h.tenantId, outbound.id, first!.streamId);
    await t.h.hub.redis.xtrim(t.h.hub.keys.changes(t.h.tenantId), 'MAXLEN', 1);
    await expect(run(outbound.id)).rejects.toThrow(/change log was trimmed past/);
    const [failed] = await svc.runs.list(t.h.tenantId, outbound.id, 1);
    expect(failed).toMatchObject({
      status: 'failed',
      errors: [expect.stringContaining('cannot prove')],
    });
    expect(t.sink.delivered).toBe(0); // never a "succeeded" that skipped the trimmed changes
    expect((await svc.syncs.cursors(t.h.tenantId, outbound.id)).outbound).toBe('0');
    expect((await run(outbound.id))?.counts).toMatchObject({ written: 3 });
    expect(t.sink.list('contacts')).toHaveLength(3);
  });

  it('a new outbound sync gets every record, also those whose changes the log no longer holds', async () => {
    const { inbound, outbound } = await sourceToSink(5, 2);
    await run(inbound.id);
    const svc = t.h.engine.service.svc;
    await t.h.hub.redis.xtrim(t.h.hub.keys.changes(t.h.tenantId), 'MAXLEN', 1);
    expect((await svc.records.readChanges(t.h.tenantId, '0', 100)).length).toBeLessThan(5);

    const first = await run(outbound.id);
    expect(first?.counts).toMatchObject({ written: 5, skipped: 0 });
    expect(first?.errors).toEqual([]);
    expect(t.sink.list('contacts')).toHaveLength(5);
    // Then it follows the log: a change made now is sent, nothing else is sent again.
    t.source.put('contacts', { ...contact(1, 'changed'), updated_at: '2026-11-22T10:00:00Z' });
    await run(inbound.id);
    expect((await run(outbound.id))?.counts).toMatchObject({ written: 1, skipped: 0 });
    // A backfill walks the records again; the destination already has them all.
    await t.h.engine.service.backfill(t.h.tenantId, outbound.id);
    expect((await run(outbound.id))?.counts).toMatchObject({ written: 0, skipped: 5 });
    expect(t.sink.delivered).toBe(6);
  });

  it('changes the destination already got at that version are skipped without reading the records', async () => {
    const { inbound, outbound } = await sourceToSink(5, 5);
    await run(inbound.id);
    expect((await run(outbound.id))?.counts).toMatchObject({ written: 5 });
    const svc = t.h.engine.service.svc;
    const reads = vi.spyOn(svc.records, 'getMany');
    try {
      // The same changes seen again (as after a crash before the cursor was saved).
      await svc.syncs.saveOutboundCursor(t.h.tenantId, outbound.id, '0-0');
      expect((await run(outbound.id))?.counts).toMatchObject({ written: 0, skipped: 5 });
      expect(reads.mock.calls.flatMap(([, , ids]) => ids)).toEqual([]);
      // A newer version is read and sent.
      t.source.put('contacts', { ...contact(2, 'changed'), updated_at: '2026-11-22T10:00:00Z' });
      await run(inbound.id);
      reads.mockClear();
      expect((await run(outbound.id))?.counts).toMatchObject({ written: 1, skipped: 0 });
      expect(reads.mock.calls.flatMap(([, , ids]) => ids)).toHaveLength(1);
    } finally {
      reads.mockRestore();
    }
    expect(t.sink.delivered).toBe(6);
  });
});
