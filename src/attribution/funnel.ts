import type { Redis } from 'ioredis';

import { AccessPaths } from '../records/access-paths.ts';
import type { StoredRecord } from '../records/merge.ts';
import { readAll } from '../records/read-all.ts';
import { RecordStore } from '../records/record-store.ts';
import type { StageEntry } from '../records/stage-history.ts';
import type { Keys } from '../store/keys.ts';

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

/**
 * The lead funnel of the dashboard: of the leads created in a range, how many reached
 * contacted, appointment, shown and sold.
 */
export function leadFunnel(
  leads: readonly StoredRecord[],
  q: { from: string; to: string },
): Funnel {
  const reached = [0, 0, 0, 0];
  for (const lead of leads) for (let s = furthestStage(lead); s >= 0; s--) reached[s]!++;
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
