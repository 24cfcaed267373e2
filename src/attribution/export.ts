import { DateTime } from 'luxon';

import type { Archive } from '../archive/archive.ts';
import type { GroupReport } from './group-report.ts';
import type { AttributionStore } from './store.ts';
import type { GroupBy } from './report.ts';
import { groupReportCsv, reportCsv } from './report-csv.ts';
import type { Model } from './types.ts';

/** The archive path of an exported report: `reports/<kind>/<from>_<to>_<model>.csv`. */
export const exportPath = (kind: string, from: string, to: string, model: string): string =>
  `reports/${kind}/${from}_${to}_${model}.csv`;

/**
 * Writes the attribution report over `[from, to]` under `model` as CSV to the archive (the same
 * CSV as `report attribution --csv`), replacing an earlier export of the same range and model.
 * Returns the object's key.
 */
export async function exportAttribution(
  attribution: AttributionStore,
  archive: Archive,
  tenantId: string,
  q: { from: string; to: string; model: Model; groupBy?: GroupBy },
): Promise<string> {
  const r = await attribution.report(tenantId, { ...q, groupBy: q.groupBy ?? 'campaign' });
  return archive.putDocument(
    tenantId,
    exportPath('attribution', q.from, q.to, q.model),
    reportCsv(r) + '\n',
    'text/csv; charset=utf-8',
  );
}

/**
 * Writes a tenant group's attribution report (a row per store × campaign or channel, each store's
 * unattributed row and subtotal, totals per currency: the CSV of `report attribution --group
 * --csv`) to the archive as `_groups/<group>/reports/attribution/<from>_<to>_<model>.csv`,
 * replacing an earlier export of the same range and model. Returns the object's key.
 */
export async function exportGroupAttribution(archive: Archive, g: GroupReport): Promise<string> {
  return archive.putGroupDocument(
    g.groupId,
    exportPath('attribution', g.from, g.to, g.model),
    groupReportCsv(g) + '\n',
    'text/csv; charset=utf-8',
  );
}

/** The tenant date before `now` in `timeZone` (what a daily export covers). */
export const previousTenantDay = (now: Date, timeZone: string): string =>
  DateTime.fromJSDate(now, { zone: timeZone }).minus({ days: 1 }).toISODate()!;
