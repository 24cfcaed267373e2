import type { Redis } from 'ioredis';

import type { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import { campaignNames, leadsOfRange } from './funnel.ts';
import type { Report } from './report.ts';

/** Campaign records read per page (a store has tens of campaigns, not thousands). */
const PAGE = 500;

/** Campaign id → name from the canonical campaign records (the platforms' campaign streams). */
export async function namesOfCampaigns(records: RecordStore, tenantId: string) {
  const names = new Map<string, string>();
  for (let after: string | null = null, first = true; first || after; first = false) {
    const page = await records.walk(tenantId, 'campaign', after, PAGE);
    for (const r of page.records) {
      const [id, name] = [r.f.campaignId, r.f.name];
      if (typeof id === 'string' && typeof name === 'string' && id && name) names.set(id, name);
    }
    after = page.last;
  }
  return names;
}

/**
 * The names of a report's campaigns: the campaign record's (what the ad platform calls it now),
 * else the name the range's newest lead of that campaign carried (lead sites, forms with UTM
 * names); rows with neither keep `campaignName: null`. The leads are read only when a row still
 * has no name.
 */
export async function withCampaignNames(
  d: { redis: Redis; keys: Keys; records: RecordStore },
  tenantId: string,
  report: Report,
  timeZone: string,
): Promise<Report> {
  const ids = report.rows.map((r) => r.campaignId).filter((x): x is string => !!x);
  if (!ids.length) return report;
  const names = await namesOfCampaigns(d.records, tenantId);
  if (ids.some((id) => !names.has(id))) {
    const leads = await leadsOfRange(d.redis, d.keys, tenantId, { ...report, timeZone });
    for (const [id, name] of campaignNames(leads)) if (!names.has(id)) names.set(id, name);
  }
  return nameRows(report, names);
}

/** The report with each row's campaignName filled from `names` where it has none. */
export function nameRows(r: Report, names: ReadonlyMap<string, string>): Report {
  return {
    ...r,
    rows: r.rows.map((row) => ({
      ...row,
      campaignName:
        row.campaignName ?? (row.campaignId ? (names.get(row.campaignId) ?? null) : null),
    })),
  };
}
