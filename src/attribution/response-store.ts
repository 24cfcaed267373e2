import type { Redis } from 'ioredis';

import { AccessPaths } from '../records/access-paths.ts';
import type { StoredRecord } from '../records/merge.ts';
import { readAll } from '../records/read-all.ts';
import { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import type { SettingsStore } from '../tenants/settings-store.ts';
import {
  responseTimeReport,
  type ResponseReport,
  type RtActivity,
  type RtLead,
} from './response-time.ts';

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** A stored lead as response time reads it (null without a valid createdAt). */
export function rtLead(r: StoredRecord): RtLead | null {
  const createdAt = Date.parse(String(r.f.createdAt));
  if (Number.isNaN(createdAt)) return null;
  return {
    id: r.id,
    customerId: r.customerId ?? null,
    createdAt,
    assignedTo: str(r.f.assignedTo),
  };
}

/** A stored activity as response time reads it (null without a valid occurredAt). */
export function rtActivity(r: StoredRecord): RtActivity | null {
  const occurredAt = Date.parse(String(r.f.occurredAt));
  if (Number.isNaN(occurredAt)) return null;
  return {
    customerId: r.customerId ?? str(r.f.customerId) ?? null,
    type: String(r.f.type ?? ''),
    direction: str(r.f.direction),
    occurredAt,
    user: str(r.f.user),
  };
}

/**
 * The activities among the touches of each customer from an instant on (customer id → epoch ms):
 * one ZRANGEBYSCORE per customer, sent together, then the activities read. Nothing scans.
 */
export async function activitiesFrom(
  paths: AccessPaths,
  records: RecordStore,
  tenantId: string,
  fromByCustomer: ReadonlyMap<string, number>,
): Promise<RtActivity[]> {
  const touches = await Promise.all(
    [...fromByCustomer].map(([customerId, fromMs]) =>
      paths.touchesOfCustomer(tenantId, customerId, fromMs, Number.MAX_SAFE_INTEGER),
    ),
  );
  const ids = [...new Set(touches.flat().flatMap((t) => (t.entity === 'activity' ? [t.id] : [])))];
  return (await readAll(records, tenantId, 'activity', ids)).flatMap((r) => rtActivity(r) ?? []);
}

/** Each customer's first lead among `leads` (customer id → its createdAt, epoch ms). */
export function firstLeads(leads: readonly RtLead[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const l of leads)
    if (l.customerId)
      first.set(l.customerId, Math.min(first.get(l.customerId) ?? Infinity, l.createdAt));
  return first;
}

/**
 * Response time of a tenant's leads created in `[from, to]` (tenant dates), read through the
 * access paths: the leads of the range (one ZRANGEBYSCORE), then each of their customers' touches
 * from its first lead of the range on (one ZRANGEBYSCORE per customer, sent together), then the
 * activities among them. Nothing scans all records.
 */
export class ResponseTimeReader {
  private readonly records: RecordStore;
  private readonly paths: AccessPaths;

  constructor(
    redis: Redis,
    k: Keys,
    private readonly settings: SettingsStore,
  ) {
    this.records = new RecordStore(redis, k);
    this.paths = new AccessPaths(redis, k);
  }

  /** The report of CLOSED-LOOP.md "Response time"; `now` decides which leads are still pending. */
  async report(
    tenantId: string,
    q: { from: string; to: string },
    now = Date.now(),
  ): Promise<ResponseReport> {
    const s = await this.settings.get(tenantId);
    const leadIds = await this.paths.idsOnDays(tenantId, 'lead', q.from, q.to, s.timeZone);
    const leads = (await this.read(tenantId, 'lead', leadIds)).flatMap((r) => rtLead(r) ?? []);
    const activities = await activitiesFrom(this.paths, this.records, tenantId, firstLeads(leads));
    return responseTimeReport(leads, activities, {
      from: q.from,
      to: q.to,
      timeZone: s.timeZone,
      slaMinutes: s.responseSlaMinutes,
      now,
    });
  }

  private read(tenantId: string, entity: string, ids: string[]): Promise<StoredRecord[]> {
    return readAll(this.records, tenantId, entity, ids);
  }
}
