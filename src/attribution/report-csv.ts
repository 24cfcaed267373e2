import { toCsv } from '../cli/output.ts';
import type { Report } from './report.ts';

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
