import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import {
  COMPACT_FIELD,
  GEN_FIELD,
  KEY,
  POSITION_FIELD,
  StateKeys,
} from '../../src/attribution/state.ts';
import { MODELS } from '../../src/attribution/types.ts';
import { applyMerges } from '../../src/identity/merge.ts';
import { createEngine } from '../../src/runtime/engine.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { startWorkers } from '../../src/worker/pool.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { attributionSnapshot, put, rec, spendRow } from './support.ts';
import { shutDown } from '../support/shut-down.ts';

let t: TestHub;
let records: RecordStore;
const T = 'store-inc';

const sale = (id: string, deal: string, date: string, gross: number, c?: string) =>
  rec('sale', id, { dealNumber: deal, saleDate: date, price: 2_000_000, totalGross: gross }, c);
const lead = (id: string, at: string, source: string, campaignId: string, c?: string) =>
  rec('lead', id, { createdAt: at, source, campaignId }, c);

const snapshot = () => attributionSnapshot(t.hub.redis, t.hub.keys, T);

/**
 * The incremental state equals what a full recompute from every record makes of the same
 * records, and what one from the live generation's "seen" entries makes.
 */
async function expectSameAsRecompute() {
  const incremental = await snapshot();
  await t.hub.attribution.recompute(T, undefined, { fromRecords: true });
  expect(incremental).toEqual(await snapshot());
  await t.hub.attribution.recompute(T);
  const p = await t.hub.attribution.follower.progress(T);
  expect(p).toMatchObject({ from: 'seen', compact: true });
  expect(incremental).toEqual(await snapshot());
}

const stored = async (saleId: string) => t.hub.attribution.stored(T, saleId);

beforeAll(async () => {
  t = await openTestHub();
  records = new RecordStore(t.hub.redis, t.hub.keys);
  await t.hub.tenants.create({ id: T, name: 'Acme Ford' });
  await put(records, T, [
    rec('customer', 'c1', { firstName: 'Ann' }),
    rec('customer', 'c2', { firstName: 'Ann' }),
    lead('l1', '2026-03-03T16:00:00Z', 'meta', 'm1', 'c1'),
    sale('s1', 'D-1', '2026-03-17', 350_001, 'c1'),
    // c1's earlier purchase: a window (90 days to 2026-01-05) that the March leads are not in.
    sale('s0', 'D-0', '2026-01-05', 100_000, 'c1'),
    lead('l2', '2026-03-10T16:00:00Z', 'google', 'g1', 'c2'),
    sale('s2', 'D-2', '2026-03-18', 70_000, 'c2'),
    sale('s3', 'D-3', '2026-03-18', 50_000), // a walk-in
    spendRow('sp1', '2026-03-10', 'google', 'g1', 123_456),
  ]);
});
afterAll(() => shutDown(t));

describe('incremental attribution from the change feed', () => {
  it('first catch-up recomputes in full; a second finds nothing to do', async () => {
    expect(await t.hub.attribution.follower.behind(T)).toBe(true);
    const first = await t.hub.attribution.catchUp(T);
    expect(first.recomputed).toBe(1);
    expect((await t.hub.attribution.follower.progress(T))?.sales).toBe(4);
    expect(await t.hub.attribution.follower.behind(T)).toBe(false);
    expect(await t.hub.attribution.catchUp(T)).toEqual({
      recomputed: 0,
      batches: 0,
      salesChanged: 0,
    });
  });

  it('a lead imported after its sale re-attributes only the sale whose window holds it', async () => {
    const s0 = await stored('s0');
    await put(records, T, [lead('l9', '2026-03-12T16:00:00Z', 'email', 'e1', 'c1')]);
    const r = await t.hub.attribution.catchUp(T);
    expect(r).toMatchObject({ recomputed: 0, batches: 1, salesChanged: 1 });
    expect(await stored('s0')).toBe(s0);
    const a = await t.hub.attribution.explain(T, { dealNumber: 'D-1' });
    expect(a.touches.map((x) => [x.id, x.credits.linear])).toEqual([
      ['lead:l1', '1/2'],
      ['lead:l9', '1/2'],
    ]);
    await expectSameAsRecompute();
  });

  it('a corrected sale (new gross) moves its rollups by exactly the difference', async () => {
    const q = {
      from: '2026-03-17',
      to: '2026-03-17',
      model: 'linear' as const,
      groupBy: 'campaign' as const,
    };
    // Totals sum the rows as shown: 3500.01 / 2 = 1750.005 → 1750.01 per row.
    expect((await t.hub.attribution.report(T, q)).totals.gross).toBe('3500.02');
    await put(records, T, [sale('s1', 'D-1', '2026-03-17', 360_003, 'c1')]);
    expect((await t.hub.attribution.catchUp(T)).salesChanged).toBe(1);
    const r = await t.hub.attribution.report(T, q);
    expect(r.rows.map((x) => [x.campaignId, x.gross])).toEqual([
      ['e1', '1800.02'], // 3600.03 / 2 = 1800.015 → 1800.02 (half away from zero)
      ['m1', '1800.02'],
    ]);
    await expectSameAsRecompute();
  });

  it('a customer merged after the sale arrived: the sales of both are re-attributed', async () => {
    await applyMerges(
      records,
      T,
      [{ loser: 'c2', survivor: 'c1', members: ['lead:l2', 'sale:s2'] }],
      'test',
    );
    await t.hub.attribution.catchUp(T);
    const s2 = await t.hub.attribution.explain(T, { saleId: 's2' });
    expect(s2.customerId).toBe('c1');
    expect(s2.touches.map((x) => x.id)).toEqual(['lead:l1', 'lead:l2', 'lead:l9']);
    const s1 = await t.hub.attribution.explain(T, { saleId: 's1' });
    expect(s1.touches.map((x) => x.id)).toEqual(['lead:l1', 'lead:l2', 'lead:l9']);
    await expectSameAsRecompute();
  });

  it("a lead moved to another customer (an identity split) leaves the old customer's sale", async () => {
    await put(records, T, [lead('l9', '2026-03-12T16:00:00Z', 'email', 'e1', 'c5')]);
    await t.hub.attribution.catchUp(T);
    const a = await t.hub.attribution.explain(T, { dealNumber: 'D-1' });
    expect(a.touches.map((x) => x.id)).toEqual(['lead:l1', 'lead:l2']);
    // And a spend row of zero adds nothing a recompute would not.
    await put(records, T, [spendRow('sp0', '2026-03-11', 'meta', 'm1', 0)]);
    await t.hub.attribution.catchUp(T);
    await expectSameAsRecompute();
  });

  it('a crash between writes is replayed without counting anything twice', async () => {
    await put(records, T, [
      lead('l10', '2026-03-15T16:00:00Z', 'meta', 'm2', 'c1'),
      sale('s3', 'D-3', '2026-03-18', 55_000),
      spendRow('sp2', '2026-03-15', 'meta', 'm2', 9_999),
    ]);
    const inc = (t.hub.attribution.follower as unknown as { incremental: object }).incremental;
    // The sales are written, then the process dies before lead counts, spend and the position.
    const spy = vi.spyOn(inc as { finish: () => Promise<boolean> }, 'finish');
    spy.mockRejectedValueOnce(new Error('killed'));
    await expect(t.hub.attribution.catchUp(T)).rejects.toThrow('killed');
    spy.mockRestore();
    expect(await t.hub.attribution.follower.behind(T)).toBe(true);
    const r = await t.hub.attribution.catchUp(T);
    expect(r.salesChanged).toBe(0); // already written before the crash: the replay changes nothing
    await expectSameAsRecompute();
  });

  it('a settings change recomputes in full, in a worker, without a manual command', async () => {
    const pool = await startWorkers(t.hub, [t.hub.attributionJobs.processor(1)]);
    try {
      await t.hub.settings.update(T, { lookbackDays: 3 });
      await vi.waitFor(
        async () => {
          const a = await t.hub.attribution.explain(T, { dealNumber: 'D-1' });
          expect(a.touches.map((x) => x.id)).toEqual(['lead:l10']);
        },
        { timeout: 30_000, interval: 100 },
      );
      expect((await t.hub.attribution.follower.progress(T))?.state).toBe('done');
      // And a change after it is picked up by the woken catch-up.
      await put(records, T, [lead('l11', '2026-03-16T16:00:00Z', 'google', 'g2', 'c1')]);
      await t.hub.attributionJobs.wake(T);
      await vi.waitFor(
        async () => {
          const a = await t.hub.attribution.explain(T, { dealNumber: 'D-1' });
          expect(a.touches.map((x) => x.id)).toEqual(['lead:l10', 'lead:l11']);
        },
        { timeout: 30_000, interval: 100 },
      );
    } finally {
      await pool.close();
    }
    await expectSameAsRecompute();
  });

  it('a generation from before the compact copy: the first recompute builds it from the buyers records', async () => {
    await t.hub.attribution.catchUp(T);
    const live = await snapshot();
    // As a hub in service before the compact copy: no generation names it complete.
    await t.hub.redis.hdel(t.hub.keys.attrMeta(T), COMPACT_FIELD);
    await t.hub.attribution.recompute(T);
    const p = await t.hub.attribution.follower.progress(T);
    expect(p).toMatchObject({ from: 'seen', compact: false });
    expect(await snapshot()).toEqual(live);
    await expectSameAsRecompute();
  });

  it('a recompute from the seen entries after a time-zone change equals one from every record', async () => {
    const before = await t.hub.settings.get(T);
    // Lead l11 (2026-03-16T16:00Z) is on the 17th in Auckland, where no other lead or spend is:
    // its "seen" entry and lead count move a day.
    await t.hub.settings.update(T, { timeZone: 'Pacific/Auckland', lookbackDays: 30 });
    await t.hub.attribution.recompute(T);
    expect((await t.hub.attribution.follower.progress(T))?.from).toBe('seen');
    const fromSeen = await snapshot();
    expect(Object.keys(fromSeen)).toContain('base:2026-03-17');
    await t.hub.attribution.recompute(T, undefined, { fromRecords: true });
    expect((await t.hub.attribution.follower.progress(T))?.from).toBe('records');
    expect(fromSeen).toEqual(await snapshot());
    await t.hub.settings.update(T, {
      timeZone: before.timeZone,
      lookbackDays: before.lookbackDays,
    });
    await t.hub.attribution.catchUp(T);
    await expectSameAsRecompute();
  });

  it('a recompute whose reader moved meanwhile (its lock lost) leaves the live generation as it was', async () => {
    await t.hub.attribution.catchUp(T);
    const live = await snapshot();
    const positions = t.hub.keys.feedPositions(T);
    const at = await t.hub.redis.hget(positions, POSITION_FIELD);
    // A reader in another process writing "seen" entries with a new position, mid-recompute:
    // the live "seen" hash no longer stands where the copies do, so it is not moved.
    const progress = async (p: { phase: string }) => {
      if (p.phase === 'writing') await t.hub.redis.hset(positions, POSITION_FIELD, '0-1');
    };
    await expect(t.hub.attribution.recompute(T, progress)).rejects.toThrow(
      `the attribution reader moved from ${at} to 0-1 during the recompute`,
    );
    expect(await snapshot()).toEqual(live);
    await t.hub.redis.hset(positions, POSITION_FIELD, at!);
    await expectSameAsRecompute();
  });

  it('a recompute lets every hash of the generation it replaced expire, its own persist', async () => {
    await t.hub.attribution.catchUp(T);
    const meta = t.hub.keys.attrMeta(T);
    const hashesOf = async (gen: string) => {
      const keys = new StateKeys(t.hub.keys, T, gen);
      for (const date of await t.hub.redis.hkeys(keys.list[KEY.days]!))
        for (const kind of ['base', ...MODELS] as const) keys.day(kind, date);
      const all = keys.list.slice(KEY.sales);
      const there = await Promise.all(all.map((k) => t.hub.redis.exists(k)));
      return all.filter((_, i) => there[i] === 1);
    };
    const ttls = async (keys: string[]) => Promise.all(keys.map((k) => t.hub.redis.ttl(k)));
    for (const fromRecords of [false, true]) {
      const gen = (await t.hub.redis.hget(meta, GEN_FIELD))!;
      const old = await hashesOf(gen);
      await t.hub.attribution.recompute(T, undefined, { fromRecords });
      const now = await hashesOf((await t.hub.redis.hget(meta, GEN_FIELD))!);
      expect(now.length).toBeGreaterThan(6);
      // From "seen" (same zone) the old "seen" hash was moved into the new generation.
      const moved = fromRecords ? null : new StateKeys(t.hub.keys, T, gen).list[KEY.seen];
      const left = old.filter((k) => k !== moved);
      if (moved) expect(await t.hub.redis.exists(moved)).toBe(0);
      for (const ttl of await ttls(left)) expect(ttl).toBeGreaterThan(0);
      for (const ttl of await ttls(left)) expect(ttl).toBeLessThanOrEqual(60);
      expect(new Set(await ttls(now))).toEqual(new Set([-1]));
    }
  });

  it('the API asks the workers for a recompute and shows its progress', async () => {
    const engine = createEngine(t.hub, { queueName: `sync-${T}` });
    const token = (await t.hub.apiKeys.create(T, 'admin', 'a')).token;
    const app = createApp(t.hub, engine.service);
    const call = (path: string, method = 'GET') =>
      app.request(`/v1/tenants/${T}/attribution/${path}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
    const pool = await startWorkers(t.hub, [t.hub.attributionJobs.processor(1)]);
    try {
      const res = await call('recompute', 'POST');
      expect(res.status).toBe(202);
      const { jobId } = (await res.json()) as { jobId: string };
      await vi.waitFor(
        async () => {
          const s = (await (await call('status')).json()) as {
            behind: boolean;
            recompute: { jobId: string; state: string; sales: number; done: number; total: number };
          };
          expect(s.recompute).toMatchObject({ jobId, state: 'done', sales: 4 });
          expect(s.recompute.done).toBe(s.recompute.total);
          expect(s.behind).toBe(false);
        },
        { timeout: 30_000, interval: 100 },
      );
    } finally {
      await pool.close();
      await engine.close();
    }
  });
});
