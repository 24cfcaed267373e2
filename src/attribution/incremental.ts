import type { Redis } from 'ioredis';

import type { AccessPaths } from '../records/access-paths.ts';
import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import { attributeCore, spellOut, type SaleAttribution } from './attribute.ts';
import { applyBase, applySums, modelDeltas } from './deltas.ts';
import { dayItems } from './day-items.ts';
import { casHashes, expectRead, type CasItem } from './hash-cas.ts';
import { saleInput } from './inputs.ts';
import { encodeSaleInput, encodeTouches } from './packed.ts';
import { decodeSeen, encodeSeen, SEEN_ENTITIES, seenOf } from './seen.ts';
import { genOf, KEY, POSITION_FIELD, StateKeys, STATE_FIELD } from './state.ts';
import { decodeAttribution, encodeAttribution } from './stored-attribution.ts';
import { loadTimeline, type Timeline } from './timeline.ts';
import { MODELS, type SaleInput } from './types.ts';

/** Customers' timelines read at once, and sales written per compare-and-set. */
const TIMELINES_IN_FLIGHT = 32;
const SALES_PER_WRITE = 500;

/** Attempts at a compare-and-set before a batch is given up (it is then handed over again). */
const CAS_ATTEMPTS = 8;

/** The state a batch was read against: the generation check and, for the feed, its position. */
export interface BatchContext {
  tenantId: string;
  settings: TenantSettings;
  /** `attrMeta.state` when the batch started: every write checks it is unchanged. */
  state: string;
  /** The reader's position before and after the batch; committed with the batch's last write. */
  commit?: { from: string; to: string };
}

/** What a batch did. */
export interface BatchOutcome {
  /** False when the state moved under the batch (a recompute): nothing committed, read again. */
  committed: boolean;
  /** Customers whose sales were re-attributed. */
  customers: number;
  /** Sales whose stored attribution changed (each written with its rollup change). */
  salesChanged: number;
}

/** Entities a customer's attribution reads (activities are not touches). */
const TIMELINE_ENTITIES: ReadonlySet<string> = new Set(['lead', 'touchpoint', 'sale']);

const member = (r: StoredRecord) => `${r.entity}:${r.id}`;

/** One sale attributed again: its input (null: not a valid sale), attribution and stored form. */
interface SaleResult {
  saleId: string;
  input: SaleInput | null;
  after: SaleAttribution | null;
  text: string | null;
}

/**
 * Incremental attribution of changed records (the feed reader's handler). A change concerns the
 * customers it names: a lead's or touchpoint's customer now and the one attribution last saw it
 * with, a sale's customer, both sides of a merge. Their sales are attributed again from the
 * customers' timelines (read 32 at a time); the changed results, up to 500 sales at a time, are
 * written together with their rollup change (old contributions out, new in) in one
 * compare-and-set, so a crash or a replay never counts a sale twice. Last, lead counts, spend and the "seen" entries change in one more
 * compare-and-set, with the reader's position.
 */
export class IncrementalAttribution {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    private readonly records: RecordStore,
    private readonly access: AccessPaths,
  ) {}

  /** Handles one batch of changed records (their newest versions). */
  async apply(ctx: BatchContext, changed: readonly StoredRecord[]): Promise<BatchOutcome> {
    const seenRecs = changed.filter((r) => SEEN_ENTITIES.has(r.entity));
    const seenKey = new StateKeys(this.k, ctx.tenantId, genOf(ctx.state)).list[KEY.seen]!;
    const oldSeen = seenRecs.length ? await this.redis.hmget(seenKey, ...seenRecs.map(member)) : [];
    const customers = new Set<string>();
    oldSeen.forEach((text) => {
      const c = decodeSeen(text)?.customerId;
      if (c) customers.add(c);
    });
    const unmatched: StoredRecord[] = [];
    for (const r of changed) {
      if (r.entity === 'customer') {
        const into = r.f.mergedInto;
        if (typeof into === 'string' && into) customers.add(r.id).add(into);
      } else if (!TIMELINE_ENTITIES.has(r.entity)) continue;
      else if (r.customerId) customers.add(r.customerId);
      else if (r.entity === 'sale') unmatched.push(r);
    }
    const touched = new Map<string, StoredRecord>();
    const keep = (r: StoredRecord) => {
      const prev = touched.get(member(r));
      if (!prev || prev.v < r.v) touched.set(member(r), r);
    };
    seenRecs.forEach(keep);
    const results = unmatched.map((r) => this.attribute(ctx, r, []));
    const packed = new Map<string, string | null>();
    for (const tl of await this.timelines(ctx.tenantId, [...customers])) {
      tl.records.forEach(keep);
      const before = results.length;
      for (const r of tl.sales) results.push(this.attribute(ctx, r, tl.touches));
      // The compact copy keeps the touches of customers with a sale only (what a recompute reads).
      const buyer = results.slice(before).some((x) => x.input !== null);
      packed.set(tl.customerId, buyer ? encodeTouches(tl.touches) : null);
    }
    let salesChanged = 0;
    for (let i = 0; i < results.length; i += SALES_PER_WRITE)
      salesChanged += await this.writeSales(ctx, results.slice(i, i + SALES_PER_WRITE));
    const committed = await this.finish(ctx, [...touched.values()], packed);
    return { committed, customers: customers.size, salesChanged };
  }

  /** The customers' timelines, read TIMELINES_IN_FLIGHT at a time. */
  private async timelines(tenantId: string, customers: readonly string[]): Promise<Timeline[]> {
    const out: Timeline[] = [];
    for (let i = 0; i < customers.length; i += TIMELINES_IN_FLIGHT) {
      const some = customers.slice(i, i + TIMELINES_IN_FLIGHT);
      out.push(
        ...(await Promise.all(
          some.map((c) => loadTimeline(this.access, this.records, tenantId, c)),
        )),
      );
    }
    return out;
  }

  private attribute(
    ctx: BatchContext,
    r: StoredRecord,
    touches: Parameters<typeof attributeCore>[1],
  ): SaleResult {
    const s = saleInput(r);
    const core = s ? attributeCore(s, touches, ctx.settings) : null;
    return {
      saleId: r.id,
      input: s,
      after: core && spellOut(core),
      text: core && encodeAttribution(core),
    };
  }

  /**
   * Writes the sales whose attribution changed, with their rollup change, in one compare-and-set
   * (re-read and retried when a concurrent writer got there first). Returns how many changed.
   */
  private async writeSales(ctx: BatchContext, results: readonly SaleResult[]): Promise<number> {
    if (results.length === 0) return 0;
    const keys = new StateKeys(this.k, ctx.tenantId, genOf(ctx.state));
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const stored = await this.redis.hmget(keys.list[KEY.sales]!, ...results.map((r) => r.saleId));
      const items: CasItem[] = [
        { key: KEY.meta, field: STATE_FIELD, expect: expectRead(ctx.state) },
      ];
      const changes: { before: SaleAttribution | null; after: SaleAttribution | null }[] = [];
      results.forEach(({ saleId, input, after, text }, i) => {
        const old = stored[i] ?? null;
        if (text === old) return;
        const before = old ? decodeAttribution(old) : null;
        changes.push({ before, after });
        items.push({ key: KEY.sales, field: saleId, expect: expectRead(old), write: text });
        // The attribution holds every input field, so an unchanged one means an unchanged input.
        const compact = input ? encodeSaleInput(input) : null;
        items.push({ key: KEY.saleInputs, field: saleId, expect: { kind: 'any' }, write: compact });
        if (before?.dealNumber && before.dealNumber !== after?.dealNumber)
          items.push({
            key: KEY.deals,
            field: before.dealNumber,
            expect: expectRead(saleId),
            write: null,
          });
        if (after?.dealNumber)
          items.push({
            key: KEY.deals,
            field: after.dealNumber,
            expect: { kind: 'any' },
            write: saleId,
          });
      });
      if (changes.length === 0) return 0;
      const deltas = modelDeltas(changes);
      const groups = MODELS.map((m) => ({
        kind: m,
        changes: new Map(
          [...deltas[m]].map(([f, d]) => [f, (cur: string | null) => applySums(cur, d)]),
        ),
      }));
      items.push(...(await dayItems(this.redis, keys, groups)));
      if (await casHashes(this.redis, keys.list, items)) return changes.length;
    }
    throw new Error(
      `attribution of ${results.length} sales kept losing write races; retried later`,
    );
  }

  /**
   * Lead counts, spend and "seen" entries of the records the batch read, the packed timelines of
   * the customers it read (null: no sale, not kept), and the reader's position, in one
   * compare-and-set. False when the state or position moved (read again).
   */
  private async finish(
    ctx: BatchContext,
    recs: readonly StoredRecord[],
    packed: ReadonlyMap<string, string | null>,
  ): Promise<boolean> {
    const keys = new StateKeys(this.k, ctx.tenantId, genOf(ctx.state));
    const tz = ctx.settings.timeZone;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const [old, oldPacked] = await Promise.all([
        recs.length ? this.redis.hmget(keys.list[KEY.seen]!, ...recs.map(member)) : [],
        packed.size ? this.redis.hmget(keys.list[KEY.timelines]!, ...packed.keys()) : [],
      ]);
      const items: CasItem[] = [
        { key: KEY.meta, field: STATE_FIELD, expect: expectRead(ctx.state) },
      ];
      [...packed].forEach(([customerId, text], i) => {
        const prev = oldPacked[i] ?? null;
        if (text !== prev)
          items.push({
            key: KEY.timelines,
            field: customerId,
            expect: expectRead(prev),
            write: text,
          });
      });
      const base = new Map<string, { spend: bigint; leads: number }>();
      const bump = (field: string, entity: string, amount: number) => {
        if (!field) return;
        const b = base.get(field) ?? base.set(field, { spend: 0n, leads: 0 }).get(field)!;
        if (entity === 'spend') b.spend += BigInt(amount);
        else if (entity === 'lead') b.leads += amount;
      };
      recs.forEach((r, i) => {
        const now = seenOf(r, tz);
        const text = now ? encodeSeen(now) : null;
        const prev = old[i] ?? null;
        if (text === prev) return;
        items.push({ key: KEY.seen, field: member(r), expect: expectRead(prev), write: text });
        const o = decodeSeen(prev);
        if (o) bump(o.field, r.entity, -o.amount);
        if (now) bump(now.field, r.entity, now.amount);
      });
      const changes = new Map(
        [...base].map(([f, d]) => [f, (cur: string | null) => applyBase(cur, d.spend, d.leads)]),
      );
      items.push(...(await dayItems(this.redis, keys, [{ kind: 'base', changes }])));
      if (ctx.commit)
        items.push({
          key: KEY.positions,
          field: POSITION_FIELD,
          expect: expectRead(ctx.commit.from),
          write: ctx.commit.to,
        });
      if (await casHashes(this.redis, keys.list, items)) return true;
      const [state, pos] = await Promise.all([
        this.redis.hget(keys.list[KEY.meta]!, STATE_FIELD),
        this.redis.hget(keys.list[KEY.positions]!, POSITION_FIELD),
      ]);
      if (state !== ctx.state || (ctx.commit && pos !== ctx.commit.from)) return false;
    }
    return false;
  }
}
