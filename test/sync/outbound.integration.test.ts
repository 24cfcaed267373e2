import { describe, expect, it } from 'vitest';

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

describe('outbound steps', () => {
  it('a record in two consecutive steps is created once and arrives with its latest fields', async () => {
    // Step 1 is one change-log entry of CHANGES_PER_STEP records; step 2 changes one of them
    // again. Step 2 is prepared while step 1 is written, so it must be read again afterwards.
    for (let i = 0; i < CHANGES_PER_STEP; i++) t.source.put('contacts', contact(i));
    const inbound = await t.h.addSync({
      connectionId: await t.h.connect('http-json', t.source, { pageSize: CHANGES_PER_STEP }),
      mapping: 'crm-a-contacts',
      mode: 'inbound',
    });
    const outbound = await t.h.addSync({
      connectionId: await t.h.connect('http-json', t.sink),
      mapping: 'crm-a-contacts',
      mode: 'outbound',
    });
    expect((await run(inbound.id))?.counts.created).toBe(CHANGES_PER_STEP);
    t.source.put('contacts', { ...contact(7, 'renamed'), updated_at: '2026-11-21T10:00:00Z' });
    expect((await run(inbound.id))?.counts.updated).toBe(1);

    const report = await run(outbound.id);
    expect(report?.counts).toMatchObject({ written: CHANGES_PER_STEP, skipped: 1 });
    const held = t.sink.list('contacts');
    expect(held).toHaveLength(CHANGES_PER_STEP); // no record created twice
    expect(held.filter((r) => r.email === 'p7@example.com')).toEqual([
      expect.objectContaining({ first_name: 'Renamed' }),
    ]);
    expect(t.sink.delivered).toBe(CHANGES_PER_STEP);
  });
});
