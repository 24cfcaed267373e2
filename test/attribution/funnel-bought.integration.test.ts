import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { boughtInWindow, leadFunnel } from '../../src/attribution/funnel.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { stageLead as lead } from './support.ts';

const T = 'funnel-t';
let th: TestHub;
beforeEach(async () => {
  th = await openTestHub();
});
afterEach(() => th.cleanup());

/** A DMS sale on a tenant date, as the access paths score it on the customer's touches. */
const sale = (customerId: string, id: string, date: string) =>
  th.hub.redis.zadd(
    th.hub.keys.customerTouches(T, customerId),
    Date.parse(`${date}T00:00:00Z`),
    `sale:${id}`,
  );

describe('funnel: a lead whose customer bought in its window counts as sold', () => {
  it('counts sales from the lead day to lookbackDays after it, tenant dates, and nothing else', async () => {
    // 23:30 in Chicago on 1 March is 2 March in UTC: the lead's tenant date is 1 March.
    const leads = [
      lead('l-same-day', 'c1', '2026-03-02T05:30:00Z'),
      lead('l-in', 'c2', '2026-03-01T15:00:00Z'),
      lead('l-edge', 'c3', '2026-03-01T15:00:00Z'),
      lead('l-late', 'c4', '2026-03-01T15:00:00Z'),
      lead('l-before', 'c5', '2026-03-10T15:00:00Z'),
      lead('l-crm-sold', 'c6', '2026-03-01T15:00:00Z', 'sold'),
      lead('l-touch-only', 'c7', '2026-03-01T15:00:00Z', 'appointment'),
    ];
    await sale('c1', 's1', '2026-03-01');
    await sale('c2', 's2', '2026-03-20');
    await sale('c3', 's3', '2026-05-30'); // exactly 90 days after 1 March
    await sale('c4', 's4', '2026-05-31'); // 91 days: outside the window
    await sale('c5', 's5', '2026-03-09'); // the day before the lead
    await th.hub.redis.zadd(th.hub.keys.customerTouches(T, 'c7'), Date.now(), 'touchpoint:x');
    const bought = await boughtInWindow(th.hub.redis, th.hub.keys, T, leads, {
      timeZone: 'America/Chicago',
      lookbackDays: 90,
    });
    expect([...bought].sort()).toEqual(['l-edge', 'l-in', 'l-same-day']);
    const f = leadFunnel(leads, { from: '2026-03-01', to: '2026-03-31' }, bought);
    // Sold: the three bought plus the one the CRM marked; each sold lead reached every stage.
    expect(f).toMatchObject({ leads: 7, contacted: 5, appointment: 5, shown: 4, sold: 4 });
  });

  it('reads nothing for leads without a customer', async () => {
    const orphan = { ...lead('l0', 'x', '2026-03-01T15:00:00Z'), customerId: undefined };
    const bought = await boughtInWindow(th.hub.redis, th.hub.keys, T, [orphan], {
      timeZone: 'UTC',
      lookbackDays: 90,
    });
    expect(bought.size).toBe(0);
  });
});
