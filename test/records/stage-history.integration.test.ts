import { describe, expect, it } from 'vitest';

import { runSync } from '../../src/sync/run-sync.ts';
import { useEngineWithSystems } from '../support/engine.ts';

const t = useEngineWithSystems('crm');

const lead = (stage: string, updatedAt: string) => ({
  id: 'L-1',
  created_at: '2026-11-01T10:00:00Z',
  updated_at: updatedAt,
  stage,
  source: 'meta',
  meta_lead_id: '1234567890123456',
  email: 'ann@example.com',
});

describe('lead stage history through inbound syncs (real Redis)', () => {
  it('keeps every stage the CRM reports, once, in time order', async () => {
    const sync = await t.h.addSync({
      connectionId: await t.h.connect('http-json', t.crm),
      mapping: 'crm-a-leads',
      mode: 'inbound',
    });
    const svc = t.h.engine.service.svc;
    const run = async () => runSync(svc, t.h.tenantId, sync.id, 'manual');
    const history = async () => {
      const { records } = await svc.records.walk(t.h.tenantId, 'lead', null, 10);
      expect(records).toHaveLength(1);
      return records[0]!.f.stageHistory;
    };
    t.crm.put('leads', lead('new', '2026-11-01T10:00:00Z'));
    await run();
    t.crm.put('leads', lead('contacted', '2026-11-01T10:12:00Z'));
    await run();
    // A backfill reads the same record again: nothing new.
    await svc.syncs.resetCursors(t.h.tenantId, sync.id);
    expect((await run())?.counts).toMatchObject({ unchanged: 1, updated: 0 });
    // The CRM's export of an earlier state arrives after a later one (out of order).
    t.crm.put('leads', lead('appointment', '2026-11-03T09:00:00Z'));
    await run();
    t.crm.put('leads', lead('shown', '2026-11-02T16:00:00Z'));
    await run();
    expect(await history()).toEqual([
      { stage: 'new', at: '2026-11-01T10:00:00.000Z' },
      { stage: 'contacted', at: '2026-11-01T10:12:00.000Z' },
      { stage: 'shown', at: '2026-11-02T16:00:00.000Z' },
      { stage: 'appointment', at: '2026-11-03T09:00:00.000Z' },
    ]);
  });
});
