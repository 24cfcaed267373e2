import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  CSV_FILE,
  generateCdkExport,
  TRUTH_FILE,
  type InvalidReason,
  type Truth,
} from '../../fixtures/dms/generate-cdk-export.ts';
import { drop, localSettings } from './drop.ts';
import { openDmsHarness, type DmsHarness } from './harness.ts';

const DIR = join(import.meta.dirname, '../../fixtures/dms');
const csv = readFileSync(join(DIR, CSV_FILE));
const truth = JSON.parse(readFileSync(join(DIR, TRUTH_FILE), 'utf8')) as Truth;

let h: DmsHarness;
beforeEach(async () => {
  h = await openDmsHarness();
});
afterEach(async () => {
  await h.close();
});

/** Why the hub refused a row, by the field its quarantine entry names. */
function reasonOf(problems: { field: string; reason: string }[]): InvalidReason | string {
  const fields = problems.map((p) => p.field);
  // No DealNo at all (no record key), or one of blanks (a key, but no deal number).
  if (fields.includes('(record key)') || fields.includes('dealNumber')) return 'noDealNumber';
  if (fields.includes('saleDate') && /date/.test(problems[0]!.reason)) return 'unreadableDate';
  if (fields.includes('newUsed')) return 'unknownNewUsed';
  if (fields[0] === '(record)' && /fields where the header has/.test(problems[0]!.reason))
    return 'shortRow';
  return fields.join(',');
}

describe('a 2,000-row CDK FI deal export (test/fixtures/dms)', () => {
  it('is what its committed generator writes', () => {
    const again = generateCdkExport();
    expect(again.csv).toBe(csv.toString('utf8'));
    expect(again.truth).toEqual(truth);
  });

  it('stores every valid deal with exact gross, and counts duplicates and invalid rows by reason', async () => {
    drop(h.dir, `cdk/${CSV_FILE}`, csv);
    const syncId = await h.sync('dms-cdk-sales', localSettings(h.dir, { pageSize: 250 }));
    const report = await h.run(syncId);
    const deals = Object.entries(truth.deals);
    const invalidRows = Object.values(truth.invalid).reduce((a, b) => a + b, 0);
    expect(deals).toHaveLength(1964);
    expect(report.counts).toMatchObject({
      read: truth.rows,
      created: deals.length,
      quarantined: invalidRows,
    });

    // Every valid deal, by its deal number, with the generator's cents.
    const stored = await h.stored(syncId);
    expect(stored.size).toBe(deals.length);
    const sums = { front: 0, back: 0, total: 0 };
    const want = { front: 0, back: 0, total: 0 };
    for (const [dealNo, d] of deals) {
      const f = stored.get(dealNo)?.f;
      expect([dealNo, f?.saleDate]).toEqual([dealNo, d.saleDate]);
      expect([dealNo, f?.frontGross, f?.backGross, f?.totalGross]).toEqual([
        dealNo,
        d.front,
        d.back,
        d.total,
      ]);
      expect([dealNo, f?.grossDerived]).toEqual([dealNo, d.derived]);
      expect([dealNo, f?.['customer.address.postalCode']]).toEqual([
        dealNo,
        d.postalCode || undefined,
      ]);
      if (d.business) {
        expect(f).toMatchObject({
          'customer.companyName': d.business,
          'customer.isBusiness': true,
        });
        expect(f).not.toHaveProperty('customer.lastName');
      }
      if (d.coBuyer) expect(f?.coBuyerName).toBeTruthy();
      sums.front += f!.frontGross as number;
      sums.back += f!.backGross as number;
      sums.total += f!.totalGross as number;
      want.front += d.front;
      want.back += d.back;
      want.total += d.total;
    }
    expect(sums).toEqual(want);
    expect(want.total).toBe(want.front + want.back);
    // ZIP+4 kept whole; business buyers kept as companies; co-buyers kept.
    expect(deals.filter(([, d]) => /^\d{5}-\d{4}$/.test(d.postalCode)).length).toBeGreaterThan(400);
    expect(deals.filter(([, d]) => d.business).length).toBeGreaterThan(30);
    expect(deals.filter(([, d]) => d.coBuyer).length).toBeGreaterThan(200);

    // The run report: duplicate rows and deals that cannot be matched to anyone, by reason.
    const unmatchable = Object.fromEntries(
      Object.entries(truth.unmatchable).map(([k, n]) => [`unmatchable.${k}`, n]),
    );
    expect(report.notes).toEqual({ duplicateRows: truth.duplicateRows, ...unmatchable });
    expect(truth.duplicateRows).toBeGreaterThan(20);

    // The invalid rows, each quarantined with its reason.
    const byReason: Record<string, number> = {};
    for (const e of await h.quarantined(syncId)) {
      const r = reasonOf(e.problems);
      byReason[r] = (byReason[r] ?? 0) + 1;
    }
    expect(byReason).toEqual(truth.invalid);

    // One customer per buyer who can be matched; repeat buyers are one customer.
    const customers = new Set([...stored.values()].map((r) => r.customerId).filter(Boolean));
    expect(customers.size).toBe(truth.customers);
  });
});
