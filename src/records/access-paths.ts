import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';

import type { Keys } from '../store/keys.ts';

/** How an entity's record is placed in time: an instant (epoch ms) or a calendar date (days). */
type TimeKind = 'instant' | 'date';

/** The field that places each indexed entity's records in time. */
export const TIME_FIELDS: Readonly<Record<string, { field: string; kind: TimeKind }>> = {
  lead: { field: 'createdAt', kind: 'instant' },
  touchpoint: { field: 'occurredAt', kind: 'instant' },
  activity: { field: 'occurredAt', kind: 'instant' },
  sale: { field: 'saleDate', kind: 'date' },
  spend: { field: 'date', kind: 'date' },
  // Conversions are placed by when they happened (for listing them by day); they are never a
  // customer's touch (not in TOUCH_ENTITIES), so attribution does not see them.
  conversion: { field: 'eventTime', kind: 'instant' },
};

/** Entities whose records are a customer's touches (spend belongs to no customer). */
export const TOUCH_ENTITIES: ReadonlySet<string> = new Set([
  'lead',
  'touchpoint',
  'activity',
  'sale',
]);

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date, or -1 when it is not one. */
export function dayNumber(date: unknown): number {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return -1;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? -1 : Math.floor(ms / DAY_MS);
}

/**
 * Index scores of a record from its flat fields: `touchMs` for the customer's touches (epoch ms;
 * a date at 00:00Z) and `dateScore` for the entity's by-date index (epoch ms for instants, days
 * since 1970-01-01 for dates); -1 where the record has no usable time.
 */
export function indexScores(
  entity: string,
  f: Readonly<Record<string, unknown>>,
): { touchMs: number; dateScore: number } {
  const spec = TIME_FIELDS[entity];
  if (!spec) return { touchMs: -1, dateScore: -1 };
  const value = f[spec.field];
  if (spec.kind === 'date') {
    const day = dayNumber(value);
    return { touchMs: day < 0 ? -1 : day * DAY_MS, dateScore: day };
  }
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? { touchMs: -1, dateScore: -1 } : { touchMs: ms, dateScore: ms };
}

/** One touch of a customer: which record, and when (epoch ms; a sale's date at 00:00Z). */
export interface Touch {
  entity: string;
  id: string;
  atMs: number;
}

/*
 * KEYS the customers' touch sorted sets; ARGV[1] a member prefix (`sale:`). Returns the members
 * of every set that start with the prefix, the prefix cut off (ids), in KEYS order.
 */
const MEMBERS_WITH_PREFIX = `
local out, prefix = {}, ARGV[1]
local n, sub = #ARGV[1], string.sub
for _, key in ipairs(KEYS) do
  for _, m in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    if sub(m, 1, n) == prefix then out[#out + 1] = sub(m, n + 1) end
  end
end
return out
`;
/** Customers whose touches one MEMBERS_WITH_PREFIX call reads. */
const CUSTOMERS_PER_CALL = 500;
/** Customers one SMISMEMBER of the buyers set asks about. */
const BUYERS_PER_CALL = 1_000;

type PrefixRedis = Redis & {
  touchMembersWithPrefix(numKeys: number, ...args: string[]): Promise<string[]>;
};

/**
 * Reads the access paths the record writes keep (one sorted-set range each, never a scan of an
 * entity): a customer's touches by time, and an entity's record ids by time or date.
 */
export class AccessPaths {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /**
   * Ids of the touches of `entity` (e.g. every sale) of these customers, whenever they were: one
   * script call per 500 customers, which sends back only those ids (a changed customer usually
   * has none, and an import changes thousands: one ZRANGEBYSCORE each cost more than the answer).
   */
  async idsOfCustomers(
    tenantId: string,
    customerIds: Iterable<string>,
    entity: string,
  ): Promise<string[]> {
    const keys = [...new Set(customerIds)].map((c) => this.k.customerTouches(tenantId, c));
    if (!('touchMembersWithPrefix' in this.redis))
      this.redis.defineCommand('touchMembersWithPrefix', { lua: MEMBERS_WITH_PREFIX });
    const calls = [];
    for (let i = 0; i < keys.length; i += CUSTOMERS_PER_CALL) {
      const chunk = keys.slice(i, i + CUSTOMERS_PER_CALL);
      calls.push(
        (this.redis as PrefixRedis).touchMembersWithPrefix(chunk.length, ...chunk, `${entity}:`),
      );
    }
    return (await Promise.all(calls)).flat();
  }

  /**
   * Of these customers, those a sale was ever written for (the buyers set the CAS script keeps):
   * one SMISMEMBER per 1,000.
   */
  async buyersAmong(tenantId: string, customerIds: Iterable<string>): Promise<string[]> {
    const ids = [...new Set(customerIds)];
    const key = this.k.buyers(tenantId);
    const asks = [];
    for (let i = 0; i < ids.length; i += BUYERS_PER_CALL)
      asks.push(this.redis.smismember(key, ...ids.slice(i, i + BUYERS_PER_CALL)));
    const member = (await Promise.all(asks)).flat();
    return ids.filter((_, i) => member[i] === 1);
  }

  /** Every touch of a customer with `fromMs <= time <= toMs`, oldest first. One ZRANGEBYSCORE. */
  async touchesOfCustomer(
    tenantId: string,
    customerId: string,
    fromMs: number,
    toMs: number,
  ): Promise<Touch[]> {
    const flat = await this.redis.zrangebyscore(
      this.k.customerTouches(tenantId, customerId),
      fromMs,
      toMs,
      'WITHSCORES',
    );
    const out: Touch[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const member = flat[i]!;
      const colon = member.indexOf(':');
      out.push({
        entity: member.slice(0, colon),
        id: member.slice(colon + 1),
        atMs: Number(flat[i + 1]),
      });
    }
    return out;
  }

  /** Ids of an instant entity (lead, touchpoint, activity) with `fromMs <= time <= toMs`. */
  async idsByTime(
    tenantId: string,
    entity: string,
    fromMs: number,
    toMs: number,
  ): Promise<string[]> {
    if (TIME_FIELDS[entity]?.kind !== 'instant')
      throw new Error(`${entity} is not placed by an instant`);
    return this.redis.zrangebyscore(this.k.recordsByDate(tenantId, entity), fromMs, toMs);
  }

  /**
   * Ids of any indexed entity on the tenant's days `fromDay` to `toDay` (inclusive, YYYY-MM-DD):
   * dates compare as dates; instants from the start of `fromDay` to the end of `toDay` in the
   * tenant's time zone (so a time-zone change needs no reindex).
   */
  async idsOnDays(
    tenantId: string,
    entity: string,
    fromDay: string,
    toDay: string,
    timeZone: string,
  ): Promise<string[]> {
    const spec = TIME_FIELDS[entity];
    if (!spec) throw new Error(`${entity} has no by-date index`);
    const key = this.k.recordsByDate(tenantId, entity);
    if (spec.kind === 'date') {
      const [from, to] = [dayNumber(fromDay), dayNumber(toDay)];
      if (from < 0 || to < 0) throw new Error('fromDay and toDay must be YYYY-MM-DD dates');
      return this.redis.zrangebyscore(key, from, to);
    }
    const start = DateTime.fromISO(fromDay, { zone: timeZone }).startOf('day');
    const end = DateTime.fromISO(toDay, { zone: timeZone }).plus({ days: 1 }).startOf('day');
    if (!start.isValid || !end.isValid) throw new Error('fromDay, toDay or timeZone is not valid');
    return this.redis.zrangebyscore(key, start.toMillis(), `(${end.toMillis()}`);
  }
}
