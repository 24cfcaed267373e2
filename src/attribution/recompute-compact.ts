import { attributeForm, type CoreAttribution } from './attribute.ts';
import { decodeSaleInput, PACKED, parseTouches } from './packed.ts';
import { copyAt } from './copy-at.ts';
import { STAGING_TTL_S } from './staging.ts';
import {
  COMPACT_FIELD,
  GEN_FIELD,
  genOf,
  KEY,
  POSITION_FIELD,
  StateKeys,
  STATE_FIELD,
  timeZoneOfState,
} from './state.ts';
import type { ReadContext } from './recompute-inputs.ts';

/** Sales attributed per round; the timelines of a round's customers are one HMGET. */
const SALES_PER_ROUND = 1000;

/** Where a recompute from the live generation starts. */
export interface SeenStart {
  /** The reader's position the copied hashes stand at (the new generation's position). */
  position: string;
  /** The time zone the live generation was computed in (its lead entries' dates). */
  timeZone: string;
  /** Its compact copy (timelines, sale inputs: packed.ts) was complete and is copied too. */
  compact: boolean;
  /**
   * Dates whose base day hashes (lead counts, spend) were copied as they are: the time zone is
   * unchanged, so no lead changes date. Null when they must be counted again from "seen".
   */
  baseDates: string[] | null;
  /**
   * The live "seen" hash, to be moved into the new generation by the swap (the time zone is
   * unchanged, so are its entries); null when it was copied (to be counted again).
   */
  seen: string | null;
  /** The live generation's deals (deal number → sale) were copied with its compact copy. */
  deals: boolean;
  /** The live generation and the dates of its days index at the copy (its hashes to retire). */
  live: { gen: string; dates: string[] };
}

/**
 * Copies what a settings change leaves as it is from the live generation into the staging one,
 * with the reader's position, in one script (so the copies are exactly the state at that
 * position): the "seen" entries; the compact copy when the live generation's is complete; and,
 * when the time zone is unchanged, the base day hashes (a lookback, half-life or match-confidence
 * change moves no lead or spend row). Null when there is nothing to start from: no live
 * generation, its state cleared (a lost position), or its position trimmed from the change log.
 */
export async function copyLive(c: ReadContext): Promise<SeenStart | null> {
  const { redis, k } = c.d;
  const meta = k.attrMeta(c.tenantId);
  const [state, gen, compactGen] = await redis.hmget(meta, STATE_FIELD, GEN_FIELD, COMPACT_FIELD);
  if (!state || !gen || genOf(state) !== gen) return null;
  c.p.phase = 'copying seen';
  await c.progress(c.p);
  const live = new StateKeys(k, c.tenantId, gen);
  const compact = compactGen === gen;
  const sameZone = timeZoneOfState(state) === c.settings.timeZone;
  const dates = sameZone ? await redis.hkeys(live.list[KEY.days]!) : [];
  // With the zone unchanged no "seen" entry changes: the live hash is moved into the new
  // generation by the swap (swap.ts) instead of copied here (a COPY of the bench's 410,000
  // entries held Redis for about 80 ms). Deals are copied with the compact copy: the incremental
  // reader keeps them as the sale inputs, and no setting changes a deal's sale.
  const parts: number[] = [
    ...(sameZone ? [] : [KEY.seen]),
    ...(compact ? [KEY.timelines, KEY.saleInputs, KEY.deals] : []),
  ];
  const copies = parts.map((i) => [live.list[i]!, i] as const);
  for (const date of dates)
    copies.push([live.list[live.day('base', date)]!, c.out.keys.day('base', date)]);
  const at = await copyAt(redis, {
    meta,
    positions: k.feedPositions(c.tenantId),
    days: live.list[KEY.days]!,
    pairs: copies.map(([from, i]) => [from, c.out.keys.list[i]!] as const),
    fields: { state: STATE_FIELD, position: POSITION_FIELD },
    ttlS: STAGING_TTL_S,
  });
  const { state: now, position, dates: datesNow } = at;
  copies.forEach(([, i], j) => {
    if (at.copied[j]) c.out.written.add(i);
  });
  const readable =
    now === state &&
    typeof position === 'string' &&
    !(await c.d.records.trimmedAfter(c.tenantId, position));
  // A date that gained day hashes after its dates were listed was not copied: count them all.
  const known = new Set(dates);
  const baseDates = sameZone && datesNow.every((d) => known.has(d)) ? dates : null;
  // Counting again needs "seen" copied at the position: start from records instead.
  const valid = readable && (!sameZone || baseDates !== null);
  const drop = valid ? (baseDates ? [] : copies.slice(parts.length)) : copies;
  if (drop.length) {
    await redis.unlink(...drop.map(([, i]) => c.out.keys.list[i]!));
    for (const [, i] of drop) c.out.written.delete(i);
  }
  const seen = sameZone ? live.list[KEY.seen]! : null;
  return valid
    ? {
        position,
        timeZone: timeZoneOfState(state),
        compact,
        baseDates,
        seen,
        deals: compact,
        live: { gen, dates: datesNow },
      }
    : null;
}

/**
 * Attributes every sale of the copied compact copy (to `record`), streaming: the sale inputs
 * (one HVALS), then rounds of SALES_PER_ROUND sales whose customers' packed timelines are read
 * in one HMGET, the next round's read sent while this one is attributed. Only a round's
 * timelines are held. Returns the number of sales.
 */
export async function attributeCompact(
  c: ReadContext,
  record: (a: CoreAttribution) => Promise<void>,
): Promise<number> {
  c.p.phase = 'reading sales';
  const texts = await c.d.redis.hvals(c.out.keys.list[KEY.saleInputs]!);
  c.p.total += texts.length;
  const round = (from: number) => {
    const sales = texts.slice(from, from + SALES_PER_ROUND).map(decodeSaleInput);
    const customers = [...new Set(sales.flatMap((s) => (s.customerId ? [s.customerId] : [])))];
    const timelines = customers.length
      ? c.d.redis.hmget(c.out.keys.list[KEY.timelines]!, ...customers)
      : Promise.resolve([]);
    // Awaited in its turn; a failure meanwhile must not count as unhandled.
    timelines.catch(() => undefined);
    return { sales, customers, timelines };
  };
  c.p.phase = 'attributing';
  for (let from = 0, next = round(0); from < texts.length; from += SALES_PER_ROUND) {
    const { sales, customers, timelines } = next;
    if (from + SALES_PER_ROUND < texts.length) next = round(from + SALES_PER_ROUND);
    const packed = await timelines;
    // Parsed as each sale is attributed, so a round's touches die young (less GC work), and
    // only the touches in the sale's window become objects.
    const byCustomer = new Map(customers.map((id, i) => [id, packed[i]]));
    for (const s of sales) {
      const touches = s.customerId ? parseTouches(byCustomer.get(s.customerId)) : [];
      await record(attributeForm(s, touches, PACKED, c.settings));
    }
    c.p.done += sales.length;
    await c.progress(c.p);
  }
  return texts.length;
}
