import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { startWorkers } from '../../src/worker/pool.ts';
import { useEngineWithSystems } from '../support/engine.ts';
import { conversionWorld } from './world.ts';

const t = useEngineWithSystems('crm');

/** Polls `check` until it holds (no timing is asserted: only that it eventually holds). */
async function until(check: () => Promise<boolean>, tries = 300): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

describe('conversion derivation in the workers', () => {
  it('an inbound run through the queue wakes the deriver, which derives and marks the buyer', async () => {
    const w = await conversionWorld(t.h, t.crm);
    t.crm.put('leads', {
      id: 'L-1',
      created_at: '2026-06-01T15:00:00Z',
      stage: 'new',
      source: 'google',
      gclid: 'G-1',
      email: 'ivy@example.com',
    });
    t.crm.put('sales', {
      id: 'S-1',
      deal_number: '2001',
      sale_date: '2026-06-21',
      new_used: 'new',
      total_gross: '1500.00',
      email: 'ivy@example.com',
    });
    const pool = await startWorkers(t.h.hub, [t.h.engine.queue.processor(1)]);
    try {
      for (const s of await w.svc.syncs.list(t.h.tenantId))
        await t.h.engine.service.runNow(t.h.tenantId, s.id);
      const derived = await until(async () => (await w.conversions()).has('google-ads:2001'));
      expect(derived).toBe(true);
      expect((await w.conversions()).get('google-ads:2001')).toMatchObject({
        kind: 'click',
        clickId: 'G-1',
        valueCents: 150000,
      });
      expect(
        await until(async () => (await w.customerByEmail('ivy@example.com'))?.f.type === 'owner'),
      ).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('wakes of one tenant queue one pass at a time, however many changes come meanwhile', async () => {
    const { queue } = t.h.engine;
    for (let i = 0; i < 50; i++) await queue.notifyOutbound(t.h.tenantId, new Set(['sale']));
    const waiting = async () =>
      (await queue.queue.getJobs(['delayed', 'waiting'])).filter(
        (j) => j.name === 'derive-conversions',
      ).length;
    expect(await waiting()).toBe(1);
    // Another tenant has a pass of its own.
    await queue.notifyOutbound(`${t.h.tenantId}-other`, new Set(['sale']));
    expect(await waiting()).toBe(2);
    // Once the pass starts, a change queues the next one (it may come after the pass read).
    const pool = await startWorkers(t.h.hub, [queue.processor(1)]);
    try {
      expect(await until(async () => (await waiting()) === 0)).toBe(true);
      await queue.notifyOutbound(t.h.tenantId, new Set(['sale']));
      expect(await waiting()).toBe(1);
    } finally {
      await pool.close();
    }
  });
});
