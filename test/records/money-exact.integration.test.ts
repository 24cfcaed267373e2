import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatMajorUnits } from '../../src/mapping/transforms/money.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { putCrmLeads, useEngineWithSystems } from '../support/engine.ts';
import { moneyStyles } from '../support/money.ts';

// Issue 12 acceptance, on real Redis: 100,000 generated amounts, written every way systems write
// them, go in as DMS deals through a real inbound sync and mapping (money to integer cents),
// are stored, and come out of the attribution report's rollups summed to the exact cent.

const SALES = 100_000;
const BUYERS = 20_000;
const LEADS = 2_000; // the first LEADS buyers had a lead, in one of 7 campaigns
const CAMPAIGNS = 7;
const t = useEngineWithSystems('dms');

/** Day `n` (0-based) of 2026-01-15 .. 2026-03-15, as YYYY-MM-DD. */
const saleDay = (n: number) =>
  new Date(Date.UTC(2026, 0, 15) + (n % 60) * 86_400_000).toISOString().slice(0, 10);

describe('money through Redis', () => {
  it('sums 100,000 generated amounts to the exact cent, per campaign and in total', async () => {
    const amounts = fc.sample(fc.tuple(fc.integer({ min: -500_000, max: 9_000_000 }), fc.nat(5)), {
      numRuns: SALES,
      seed: 20_261_206,
    });
    const perRow = new Map<string, bigint>(); // expected gross per report row, by hand
    let exact = 0n;
    putCrmLeads(t.dms, LEADS, {
      at: '2026-01-02T15:00:00Z',
      source: 'meta',
      campaigns: CAMPAIGNS,
      email: (i) => `buyer${i}@example.com`,
    });
    amounts.forEach(([cents, style], i) => {
      const texts = moneyStyles(cents);
      const buyer = i % BUYERS;
      t.dms.put('sales', {
        id: `S-${i}`,
        deal_number: String(100_000 + i),
        sale_date: saleDay(i),
        new_used: i % 2 ? 'used' : 'new',
        total_gross: texts[style % texts.length]!,
        email: `buyer${buyer}@example.com`,
      });
      exact += BigInt(cents);
      const row = buyer < LEADS ? `cmp-${buyer % CAMPAIGNS}` : '(unattributed)';
      perRow.set(row, (perRow.get(row) ?? 0n) + BigInt(cents));
    });
    const { h } = t;
    for (const mapping of ['crm-a-leads', 'crm-a-sales']) {
      const sync = await h.addSync({
        connectionId: await h.connect('http-json', t.dms, { pageSize: 1_000 }),
        mapping,
        mode: 'inbound',
      });
      const run = await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual');
      expect(run?.status).toBe('succeeded');
      expect(run?.counts.quarantined).toBe(0);
    }
    await h.hub.attribution.catchUp(h.tenantId);

    const report = await h.hub.attribution.report(h.tenantId, {
      from: '2026-01-01',
      to: '2026-03-31',
      model: 'last_touch',
      groupBy: 'campaign',
    });
    const dollars = (c: bigint) => formatMajorUnits(Number(c));
    expect(report.totals.gross).toBe(dollars(exact));
    expect(Number(report.totals.sold)).toBe(SALES);
    const rows = Object.fromEntries(report.rows.map((r) => [r.campaignId, r.gross]));
    for (let c = 0; c < CAMPAIGNS; c++)
      expect(rows[`cmp-${c}`]).toBe(dollars(perRow.get(`cmp-${c}`)!));
    expect(report.unattributed.gross).toBe(dollars(perRow.get('(unattributed)')!));
  }, 300_000);
});
