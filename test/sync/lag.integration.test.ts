import { describe, expect, it } from 'vitest';

import { MAX_LAG_SCAN_ENTRIES, outboundLagSeconds } from '../../src/sync/lag.ts';
import { useEngineWithSystems } from '../support/engine.ts';

const NOW = Date.parse('2026-12-08T01:00:00Z');

describe('outbound lag (real Redis)', () => {
  const t = useEngineWithSystems('crm');

  /** An outbound sync of customers (crm-a-contacts), and a way to log changes of an entity at a time. */
  async function customersOut() {
    const { h } = t;
    const svc = h.engine.service.svc;
    const sync = await h.addSync({
      connectionId: await h.connect('http-json', t.crm),
      mapping: 'crm-a-contacts',
      mode: 'outbound',
    });
    const key = svc.hub.keys.changes(h.tenantId);
    const log = (entity: string, ms: number, seq = 0) =>
      svc.hub.redis.xadd(key, `${ms}-${seq}`, 'e', entity, 's', 'c1', 'r', `id-${ms}\t1`);
    const lag = () => outboundLagSeconds(svc, h.tenantId, sync.id, NOW);
    const passTo = (id: string) => svc.syncs.saveOutboundCursor(h.tenantId, sync.id, id);
    return { log, lag, passTo };
  }

  it('counts only changes of the entities the sync reads, from its position', async () => {
    const { log, lag, passTo } = await customersOut();
    expect(await lag()).toBe(0);
    await log('customer', NOW - 600_000);
    await passTo(`${NOW - 600_000}-0`);
    // A spend run and a DMS run after it: nothing for the customers' sync to send.
    await log('spend', NOW - 120_000);
    await log('sale', NOW - 90_000);
    await log('touchpoint', NOW - 90_000, 1);
    expect(await lag()).toBe(0);
    // A customer changed 30 s ago: that is how far behind the sync is.
    await log('customer', NOW - 30_000);
    expect(await lag()).toBe(30);
    await passTo(`${NOW - 30_000}-0`);
    expect(await lag()).toBe(0);
  });

  it('before its first pass, the oldest change of its entities counts', async () => {
    const { log, lag } = await customersOut();
    await log('spend', NOW - 900_000);
    await log('customer', NOW - 300_000);
    expect(await lag()).toBe(300);
  });

  it('past the changes it looks through, the last one looked at bounds the lag', async () => {
    const { log, lag } = await customersOut();
    const start = NOW - 3_600_000;
    for (let i = 0; i < MAX_LAG_SCAN_ENTRIES + 10; i++) await log('spend', start, i);
    await log('customer', NOW - 60_000);
    // The customer's change lies past the limit: the lag is at most the age of the last change seen.
    expect(await lag()).toBe(3_600);
  });
});
