import { toCsv } from '../cli/output.ts';
import type { GroupReport } from './group-report.ts';
import type { Report, ReportRow } from './report.ts';

/** Columns of the report's table and CSV, in order. */
export const COLUMNS = [
  'channel',
  'campaignId',
  'spend',
  'leads',
  'sold',
  'gross',
  'revenue',
  'costPerLead',
  'costPerSale',
  'roas',
] as const;

/** The report's rows, unattributed and totals last, as CSV (exact values). */
export function reportCsv(r: Report): string {
  const rows = [...r.rows, r.unattributed, r.totals];
  return toCsv(
    COLUMNS,
    rows.map((row) => COLUMNS.map((c) => row[c])),
  );
}

/** Columns of a group report's table and CSV: the store and its currency, then the report's. */
export const GROUP_COLUMNS = ['tenantId', 'currency', ...COLUMNS] as const;

/** The store of the group's totals rows in the table and CSV. */
export const GROUP_TOTAL = '(group)';

/** A line of a group report's table or CSV: a report row and its store's id and currency. */
export type GroupLine = ReportRow & { tenantId: string; currency: string };

/**
 * A group report's rows in reading order: each store's rows, its unattributed row and its
 * subtotal (channel `total`), then the group's totals per currency (store `(group)`).
 */
export function groupReportLines(g: GroupReport): GroupLine[] {
  const lines: GroupLine[] = [];
  g.stores.forEach((s, i) => {
    lines.push(...g.rows.filter((r) => r.tenantId === s.tenantId));
    lines.push(g.unattributed[i]!, g.subtotals[i]!);
  });
  for (const t of g.totals) lines.push({ ...t, tenantId: GROUP_TOTAL });
  return lines;
}

/** The group report as CSV (exact values), in the order of `groupReportLines`. */
export function groupReportCsv(g: GroupReport): string {
  return toCsv(
    GROUP_COLUMNS,
    groupReportLines(g).map((row) => GROUP_COLUMNS.map((c) => row[c])),
  );
}
