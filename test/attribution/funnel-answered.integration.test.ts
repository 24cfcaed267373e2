import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { answeredLeads, leadFunnel } from '../../src/attribution/funnel.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { rec, stageLead } from './support.ts';

const T = 'funnel-answered';
let th: TestHub;
beforeEach(async () => {
  th = await openTestHub();
});
afterEach(() => th.cleanup());

/** A new record, as the CRM's sync writes it. */
const write = (record: StoredRecord) => ({
  record,
  expected: 0,
  changed: Object.keys(record.f),
  sourceConnectionId: 'crm',
});
const lead = (...a: Parameters<typeof stageLead>) => write(stageLead(...a));
const activity = (id: string, customerId: string, occurredAt: string, over = {}) =>
  write(
    rec('activity', id, { type: 'call', direction: 'outbound', occurredAt, ...over }, customerId),
  );

describe('funnel: a lead answered by an outbound activity was contacted', () => {
  it('counts leads with a first response (CLOSED-LOOP.md) as contacted, whatever their CRM stage', async () => {
    const records = new RecordStore(th.hub.redis, th.hub.keys);
    const writes = [
      lead('l-called', 'c1', '2026-03-01T15:00:00Z'),
      lead('l-emailed-later', 'c2', '2026-03-01T15:00:00Z'),
      lead('l-inbound-only', 'c3', '2026-03-01T15:00:00Z'),
      lead('l-called-before', 'c4', '2026-03-10T15:00:00Z'),
      lead('l-meeting-only', 'c5', '2026-03-01T15:00:00Z'),
      lead('l-crm-contacted', 'c6', '2026-03-01T15:00:00Z', 'contacted'),
      lead('l-shown', 'c7', '2026-03-01T15:00:00Z', 'shown'),
      activity('a1', 'c1', '2026-03-01T15:10:00Z'),
      activity('a2', 'c2', '2026-03-04T09:00:00Z', { type: 'email' }), // three days on: answered
      activity('a3', 'c3', '2026-03-01T15:05:00Z', { direction: 'inbound' }),
      activity('a4', 'c4', '2026-03-09T15:00:00Z'), // before the lead: no answer to it
      activity('a5', 'c5', '2026-03-02T15:00:00Z', { type: 'meeting' }),
      activity('a7', 'c7', '2026-03-01T15:30:00Z', { type: 'text' }),
    ];
    expect(await records.writeMany(T, writes)).toEqual([]);
    const leads = writes.filter((w) => w.record.entity === 'lead').map((w) => w.record);
    const answered = await answeredLeads(th.hub.redis, th.hub.keys, T, leads);
    expect([...answered].sort()).toEqual(['l-called', 'l-emailed-later', 'l-shown']);
    const q = { from: '2026-03-01', to: '2026-03-31' };
    // Contacted: the two answered in stage new, the CRM's contacted and the shown lead.
    expect(leadFunnel(leads, q, new Set(), answered)).toMatchObject({
      leads: 7,
      contacted: 4,
      appointment: 1,
      shown: 1,
      sold: 0,
    });
    expect(leadFunnel(leads, q)).toMatchObject({ contacted: 2 });
  });
});
