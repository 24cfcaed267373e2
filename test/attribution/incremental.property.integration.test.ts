import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyMerges } from '../../src/identity/merge.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { attributionSnapshot, put, rec, spendRow } from './support.ts';
import { shutDown } from '../support/shut-down.ts';

let t: TestHub;
let records: RecordStore;
let run = 0;

const DAY = 86_400_000;
const BASE = Date.parse('2026-01-01T00:00:00Z');
const at = (day: number, ms: number) => new Date(BASE + day * DAY + ms).toISOString();
const date = (day: number) => at(day, 0).slice(0, 10);

const customer = fc.integer({ min: 0, max: 2 });
const touchArb = fc.record({
  kind: fc.constant('lead' as const),
  c: fc.option(customer, { nil: undefined }),
  day: fc.integer({ min: 0, max: 15 }),
  ms: fc.integer({ min: 0, max: DAY - 1 }),
  ch: fc.constantFrom('meta', 'google', 'email'),
  camp: fc.constantFrom('', 'a', 'b'),
  click: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
});
const pointArb = fc.record({
  kind: fc.constant('touchpoint' as const),
  c: fc.option(customer, { nil: undefined }),
  day: fc.integer({ min: 0, max: 15 }),
  ms: fc.integer({ min: 0, max: DAY - 1 }),
  type: fc.constantFrom('ad_click', 'email_click', 'email_open', 'form_fill'),
  camp: fc.constantFrom('', 'a', 'c'),
  click: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
  lead: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
});
const saleArb = fc.record({
  kind: fc.constant('sale' as const),
  c: fc.option(customer, { nil: undefined }),
  day: fc.integer({ min: 0, max: 15 }),
  gross: fc.integer({ min: -20_000, max: 500_000 }),
  medium: fc.boolean(),
});
const spendArb = fc.record({
  kind: fc.constant('spend' as const),
  day: fc.integer({ min: 0, max: 15 }),
  camp: fc.constantFrom('a', 'b'),
  amount: fc.integer({ min: 0, max: 90_000 }),
});
const mergeArb = fc.record({ kind: fc.constant('merge' as const), loser: customer });

/** A record write: index `slot` among its kind (a later write of the same slot corrects it). */
const eventArb = fc.record({
  slot: fc.integer({ min: 0, max: 3 }),
  what: fc.oneof(touchArb, pointArb, saleArb, spendArb, mergeArb),
});

const world = fc.record({
  events: fc.array(eventArb, { minLength: 15, maxLength: 30 }),
  catchUps: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  lookbackDays: fc.integer({ min: 0, max: 20 }),
  halfLifeDays: fc.integer({ min: 1, max: 10 }),
  minMatchConfidence: fc.constantFrom('medium' as const, 'high' as const),
});

/** The record an event writes, its customer after the merges so far (`into`). */
function recordOf(e: { slot: number; what: Record<string, unknown> }, into: Map<string, string>) {
  const w = e.what as {
    kind: string;
    c?: number;
    day: number;
    ms: number;
    ch: string;
    camp: string;
    click?: string;
    type: string;
    lead?: number;
    gross: number;
    medium: boolean;
    amount: number;
  };
  const cust = (c?: number) => {
    if (c === undefined) return undefined;
    let id = `c${c}`;
    while (into.has(id)) id = into.get(id)!;
    return id;
  };
  const c = cust(w.c);
  const clickIds = w.click ? { gclid: w.click } : undefined;
  if (w.kind === 'lead')
    return rec(
      'lead',
      `l${e.slot}`,
      { createdAt: at(w.day, w.ms), source: w.ch, campaignId: w.camp || undefined, clickIds },
      c,
    );
  if (w.kind === 'touchpoint')
    return rec(
      'touchpoint',
      `p${e.slot}`,
      {
        type: w.type,
        occurredAt: at(w.day, w.ms),
        channel: 'google',
        campaignId: w.camp || undefined,
        clickIds,
        leadId: w.lead === undefined ? undefined : `l${w.lead}`,
      },
      c,
    );
  if (w.kind === 'sale')
    return rec(
      'sale',
      `s${e.slot}`,
      {
        dealNumber: `D-${e.slot}`,
        saleDate: date(w.day),
        price: 1_000_000 + e.slot,
        totalGross: w.gross,
      },
      c,
      w.medium ? 'medium' : 'high',
    );
  return spendRow(`sp${e.slot}`, date(w.day), 'meta', w.camp, w.amount);
}

beforeAll(async () => {
  t = await openTestHub();
  records = new RecordStore(t.hub.redis, t.hub.keys);
});
afterAll(() => shutDown(t));

describe('incremental attribution, property (real Redis)', () => {
  it('equals a full recompute whatever order the records, corrections and merges arrive in', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const tenantId = `prop-${run++}`;
        await t.hub.settings.update(tenantId, {
          lookbackDays: w.lookbackDays,
          halfLifeDays: w.halfLifeDays,
          minMatchConfidence: w.minMatchConfidence,
        });
        await put(
          records,
          tenantId,
          [0, 1, 2, 3].map((i) => rec('customer', `c${i}`, { firstName: `N${i}` })),
        );
        const into = new Map<string, string>();
        const written = new Map<string, StoredRecord>();
        for (const [i, e] of w.events.entries()) {
          if (e.what.kind === 'merge') {
            const loser = `c${e.what.loser}`;
            if (loser === 'c0' || into.has(loser)) continue;
            into.set(loser, 'c0');
            const members = [...written.values()]
              .filter((r) => r.customerId === loser)
              .map((r) => `${r.entity}:${r.id}`);
            await applyMerges(records, tenantId, [{ loser, survivor: 'c0', members }], 'test');
            for (const m of members) written.get(m)!.customerId = 'c0';
          } else {
            const r = recordOf(e as { slot: number; what: Record<string, unknown> }, into);
            written.set(`${r.entity}:${r.id}`, r);
            await put(records, tenantId, [r]);
          }
          if (w.catchUps[i]) await t.hub.attribution.catchUp(tenantId);
        }
        await t.hub.attribution.catchUp(tenantId);
        const incremental = await attributionSnapshot(t.hub.redis, t.hub.keys, tenantId);
        await t.hub.attribution.recompute(tenantId, undefined, { fromRecords: true });
        expect(incremental).toEqual(await attributionSnapshot(t.hub.redis, t.hub.keys, tenantId));
        // And a recompute from the live generation's "seen" entries makes the same.
        await t.hub.attribution.recompute(tenantId);
        expect(incremental).toEqual(await attributionSnapshot(t.hub.redis, t.hub.keys, tenantId));
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});
