import type { Redis } from 'ioredis';

import { AccessPaths } from '../records/access-paths.ts';
import type { StoredRecord } from '../records/merge.ts';
import { readAll } from '../records/read-all.ts';
import { RecordStore } from '../records/record-store.ts';
import type { StageEntry } from '../records/stage-history.ts';
import type { Keys } from '../store/keys.ts';
import { tenantDate } from './dates.ts';
import { activitiesFrom, firstLeads, rtLead } from './response-store.ts';
import { firstResponse, responsesByCustomer } from './response-time.ts';

/** The funnel's steps after `leads`, in order (CRM stages of src/canonical/lead.ts). */
export const FUNNEL_STAGES = ['contacted', 'appointment', 'shown', 'sold'] as const;

/** Leads created in a range, and how many of them reached each stage. */
export interface Funnel {
  from: string;
  to: string;
  leads: number;
  contacted: number;
  appointment: number;
  shown: number;
  sold: number;
}

/**
 * The furthest funnel step a lead reached (-1: none), from its stage history and current stage:
 * stages are one ordered scale, so a lead that was shown was contacted and had an appointment
 * even when its CRM skipped reporting those; `lost` and `new` reach nothing.
 */
export function furthestStage(r: Pick<StoredRecord, 'f'>): number {
  const history = Array.isArray(r.f.stageHistory) ? (r.f.stageHistory as StageEntry[]) : [];
  const stages = [r.f.stage, ...history.map((e) => e?.stage)];
  return Math.max(-1, ...stages.map((s) => FUNNEL_STAGES.indexOf(s as never)));
}

/** Leads created in `[from, to]` (tenant dates), through the by-date access path, never a scan. */
export async function leadsOfRange(
  redis: Redis,
  k: Keys,
  tenantId: string,
  q: { from: string; to: string; timeZone: string },
): Promise<StoredRecord[]> {
  const ids = await new AccessPaths(redis, k).idsOnDays(tenantId, 'lead', q.from, q.to, q.timeZone);
  return readAll(new RecordStore(redis, k), tenantId, 'lead', ids);
}

const MS_PER_DAY = 86_400_000;
const SOLD = FUNNEL_STAGES.indexOf('sold');
const CONTACTED = FUNNEL_STAGES.indexOf('contacted');

/**
 * The leads whose customer bought from the DMS in the lead's attribution window: a sale dated on
 * the lead's tenant date or up to `lookbackDays` after it (the window CLOSED-LOOP.md gives a sale,
 * seen from the lead). The DMS says the car was sold even when no one marked the lead sold in the
 * CRM. One pipelined ZRANGEBYSCORE per customer on the customer's touches (sales are scored by
 * their date at 00:00Z), never a scan.
 */
export async function boughtInWindow(
  redis: Redis,
  k: Keys,
  tenantId: string,
  leads: readonly StoredRecord[],
  s: { timeZone: string; lookbackDays: number },
): Promise<Set<string>> {
  const days = new Map<string, { id: string; dayMs: number }[]>();
  for (const l of leads) {
    const at = Date.parse(String(l.f.createdAt ?? ''));
    if (!l.customerId || Number.isNaN(at)) continue;
    const dayMs = Date.parse(`${tenantDate(at, s.timeZone)}T00:00:00Z`);
    days.set(l.customerId, [...(days.get(l.customerId) ?? []), { id: l.id, dayMs }]);
  }
  const customers = [...days.keys()];
  const pipe = redis.pipeline();
  for (const c of customers) {
    const ds = days.get(c)!.map((d) => d.dayMs);
    const [from, to] = [Math.min(...ds), Math.max(...ds) + s.lookbackDays * MS_PER_DAY];
    pipe.zrangebyscore(k.customerTouches(tenantId, c), from, to, 'WITHSCORES');
  }
  const answers = customers.length ? ((await pipe.exec()) ?? []) : [];
  const bought = new Set<string>();
  customers.forEach((c, i) => {
    const flat = (answers[i]?.[1] ?? []) as string[];
    const sales: number[] = [];
    for (let j = 0; j < flat.length; j += 2)
      if (flat[j]!.startsWith('sale:')) sales.push(Number(flat[j + 1]));
    for (const d of days.get(c)!)
      if (sales.some((t) => t >= d.dayMs && t <= d.dayMs + s.lookbackDays * MS_PER_DAY))
        bought.add(d.id);
  });
  return bought;
}

/**
 * The leads that have a first response (CLOSED-LOOP.md "Response time": an outbound call, email or
 * text on the lead's customer at or after its createdAt, at any time), read as the response time
 * report reads them: each customer's touches from its first lead on, then their activities.
 */
export async function answeredLeads(
  redis: Redis,
  k: Keys,
  tenantId: string,
  leads: readonly StoredRecord[],
): Promise<Set<string>> {
  const rt = leads.flatMap((l) => rtLead(l) ?? []);
  const from = firstLeads(rt);
  if (from.size === 0) return new Set();
  const records = new RecordStore(redis, k);
  const activities = await activitiesFrom(new AccessPaths(redis, k), records, tenantId, from);
  const byCustomer = responsesByCustomer(activities);
  return new Set(rt.flatMap((l) => (firstResponse(l, byCustomer) ? [l.id] : [])));
}

/**
 * The lead funnel of the dashboard: of the leads created in a range, how many reached
 * contacted, appointment, shown and sold. A lead in `bought` (its customer bought in its window,
 * `boughtInWindow`) counts as sold, and so as having reached every stage before it; a lead in
 * `answered` (it has a first response, `answeredLeads`) was contacted, whatever its CRM stage.
 */
export function leadFunnel(
  leads: readonly StoredRecord[],
  q: { from: string; to: string },
  bought: ReadonlySet<string> = new Set(),
  answered: ReadonlySet<string> = new Set(),
): Funnel {
  const reached = [0, 0, 0, 0];
  for (const lead of leads) {
    const stage = bought.has(lead.id) ? SOLD : furthestStage(lead);
    const furthest = answered.has(lead.id) ? Math.max(stage, CONTACTED) : stage;
    for (let s = furthest; s >= 0; s--) reached[s]!++;
  }
  const [contacted, appointment, shown, sold] = reached as [number, number, number, number];
  return { from: q.from, to: q.to, leads: leads.length, contacted, appointment, shown, sold };
}

/** Campaign id → name as the leads carry them (the newest lead's name wins). */
export function campaignNames(leads: readonly StoredRecord[]): Map<string, string> {
  const names = new Map<string, { name: string; at: string }>();
  for (const l of leads) {
    const [id, name, at] = [l.f.campaignId, l.f.campaignName, String(l.f.createdAt ?? '')];
    if (typeof id !== 'string' || typeof name !== 'string' || !id || !name) continue;
    const prev = names.get(id);
    if (!prev || at > prev.at) names.set(id, { name, at });
  }
  return new Map([...names].map(([id, v]) => [id, v.name]));
}
