import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Report } from '../../src/attribution/report.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { put, rec } from './support.ts';

// Two hubs on one prefix: `writer` keeps attribution up to date (as a worker does), `api` only
// reports, so what `api` caches of the day hashes can only be refreshed through their versions.
let writer: TestHub;
let api: TestHub;
let records: RecordStore;
const T = 'store-days';

const sale = (id: string, deal: string, date: string, gross: number, c?: string) =>
  rec('sale', id, { dealNumber: deal, saleDate: date, price: 2_000_000, totalGross: gross }, c);
const lead = (id: string, at: string, source: string, campaignId: string, c?: string) =>
  rec('lead', id, { createdAt: at, source, campaignId }, c);
const q = {
  from: '2026-03-01',
  to: '2026-03-31',
  model: 'linear' as const,
  groupBy: 'campaign' as const,
};
/** A report as the `api` hub reads it next to one read afresh (a new hub, nothing cached). */
async function bothWays(): Promise<[Report, Report]> {
  const fresh = await openTestHub({ REDIS_PREFIX: writer.config.REDIS_PREFIX });
  try {
    return [await api.hub.attribution.report(T, q), await fresh.hub.attribution.report(T, q)];
  } finally {
    await fresh.hub.close();
  }
}

beforeAll(async () => {
  writer = await openTestHub();
  api = await openTestHub({ REDIS_PREFIX: writer.config.REDIS_PREFIX });
  records = new RecordStore(writer.hub.redis, writer.hub.keys);
  await writer.hub.tenants.create({ id: T, name: 'Acme Ford' });
  await put(records, T, [
    rec('customer', 'c1', { firstName: 'Ann' }),
    lead('l1', '2026-03-03T16:00:00Z', 'meta', 'm1', 'c1'),
    sale('s1', 'D-1', '2026-03-17', 350_001, 'c1'),
  ]);
  await writer.hub.attribution.catchUp(T);
});
afterAll(async () => {
  await api?.hub.close();
  await writer?.cleanup();
});

describe('reports keep parsed days by their version', () => {
  it("a report cached in one process follows another process's incremental writes and recomputes", async () => {
    const [first, fresh] = await bothWays();
    expect(first).toEqual(fresh);
    expect(first.rows.map((r) => [r.campaignId, r.gross, r.leads])).toEqual([['m1', '3500.01', 1]]);
    // A corrected sale and a late lead: both March dates change, in the writer only.
    await put(records, T, [
      sale('s1', 'D-1', '2026-03-17', 360_003, 'c1'),
      lead('l2', '2026-03-10T16:00:00Z', 'google', 'g1', 'c1'),
    ]);
    expect((await writer.hub.attribution.catchUp(T)).salesChanged).toBe(1);
    const [second, fresh2] = await bothWays();
    expect(second).toEqual(fresh2);
    expect(second.rows.map((r) => [r.campaignId, r.gross, r.leads])).toEqual([
      ['g1', '1800.02', 1],
      ['m1', '1800.02', 1],
    ]);
    // A full recompute writes a new generation: still what a fresh read gives.
    await writer.hub.attribution.recompute(T);
    const [third, fresh3] = await bothWays();
    expect(third).toEqual(fresh3);
    expect(third).toEqual(second);
  });
});
