import type { Command } from 'commander';

import { exportAttribution, exportGroupAttribution } from '../attribution/export.ts';
import {
  groupAttributionReport,
  namedReport,
  type AttributionQ,
  type GroupReport,
} from '../attribution/group-report.ts';
import {
  COLUMNS,
  GROUP_COLUMNS,
  groupReportCsv,
  groupReportLines,
  reportCsv,
} from '../attribution/report-csv.ts';
import type { SaleAttribution } from '../attribution/attribute.ts';
import type { Report, ReportRow } from '../attribution/report.ts';
import { AttributionQuery } from '../api/routes/reports.ts';
import { campaignLabel } from '../ui/campaign-labels.ts';
import { emit, peopleTable } from './output.ts';
import { registerQualityReports } from './quality-commands.ts';
import { withHub } from './with-hub.ts';

const two = (v: string | null) => (v === null ? '-' : Number(v).toFixed(2));

/**
 * One report row's cells in a table for people: the campaign by name (with its id), money and
 * sold with two decimals, and no cost per sale where no spend is recorded (a `0.00` there reads
 * as free sales).
 */
const tableLine = (row: ReportRow) => [
  row.channel,
  row.campaignId ? campaignLabel(row.campaignId, row.campaignName) : '',
  row.spend,
  String(row.leads),
  two(row.sold),
  row.gross,
  row.revenue,
  row.costPerLead ?? '-',
  Number(row.spend) === 0 ? 'no spend' : (row.costPerSale ?? '-'),
  two(row.roas),
];

/** The table's head: the report's columns, the campaign named (`campaignId` in JSON and CSV). */
const tableHead = (cols: readonly string[]) =>
  cols.map((c) => (c === 'campaignId' ? 'campaign' : c));

/** Left-aligned text columns, then right-aligned figures. */
const aligns = (text: number, all: number) =>
  Array.from({ length: all }, (_, i) => (i < text ? 'left' : 'right') as 'left' | 'right');

/** The report as an aligned table for people: money and sold with two decimals. */
export function reportTable(r: Report): string {
  const t = peopleTable({ head: tableHead(COLUMNS), colAligns: aligns(2, COLUMNS.length) });
  for (const row of [...r.rows, r.unattributed, r.totals]) t.push(tableLine(row));
  return `${r.model}, ${r.from} to ${r.to}\n${t.toString()}`;
}

/** A group report as a table: each store's rows, unattributed row and subtotal, then totals. */
export function groupReportTable(g: GroupReport): string {
  const t = peopleTable({
    head: tableHead(GROUP_COLUMNS),
    colAligns: aligns(4, GROUP_COLUMNS.length),
  });
  for (const row of groupReportLines(g)) t.push([row.tenantId, row.currency, ...tableLine(row)]);
  const zones = g.stores.map((s) => `${s.tenantId} ${s.timeZone}`).join(', ');
  return `group ${g.groupId} (${g.groupName}), ${g.model}, ${g.from} to ${g.to} in each store's own dates (${zones || 'no stores'})\n${t.toString()}`;
}

/** `report attribution`, `sale explain <dealNumber>`. */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('Closed-loop reports');
  addAttributionReport(report);
  registerQualityReports(report);
  addSaleExplain(program);
}

/** `report attribution`. */
function addAttributionReport(report: Command): void {
  report
    .command('attribution')
    .description('Spend, leads, sales, gross and ratios per campaign (from stored rollups)')
    .option('--tenant <id>', 'tenant id (a store)')
    .option('--group <id>', 'a tenant group: a row per store, totals per currency')
    .requiredOption('--from <date>', 'first tenant date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last tenant date, YYYY-MM-DD')
    .option(
      '--model <model>',
      'last_touch, first_touch, linear, time_decay, position_based',
      'last_touch',
    )
    .option('--group-by <g>', 'campaign or channel', 'campaign')
    .option('--json', 'output JSON')
    .option('--csv', 'output CSV')
    .option(
      '--export',
      'write the CSV to the archive (<tenant>/ or _groups/<group>/ reports/attribution/<from>_<to>_<model>.csv)',
    )
    .action(async (o: AttributionOpts) => {
      const q = AttributionQuery.parse({
        from: o.from,
        to: o.to,
        model: o.model,
        groupBy: o.groupBy,
      });
      if (!o.tenant === !o.group)
        throw new Error('give exactly one of --tenant <id> or --group <id>');
      if (o.group) return printGroupReport(o.group, q, o);
      const tenant = o.tenant!;
      const [r, key] = await withHub(async (hub) => {
        await hub.tenants.get(tenant);
        const exported = o.export
          ? await exportAttribution(hub.attribution, hub.archive, tenant, q)
          : null;
        // Named as the API names them (campaign records, else the leads' names).
        return [await namedReport(hub, tenant, q), exported] as const;
      });
      if (key) process.stderr.write(`exported to ${key}\n`);
      if (o.csv) process.stdout.write(reportCsv(r) + '\n');
      else emit(!!o.json, r, () => reportTable(r));
    });
}

/** Options of `report attribution`. */
interface AttributionOpts {
  tenant?: string;
  group?: string;
  from: string;
  to: string;
  model: string;
  groupBy: string;
  json?: boolean;
  csv?: boolean;
  export?: boolean;
}

/** `report attribution --group <id>`: table, `--json` or `--csv`; `--export` to the archive. */
async function printGroupReport(
  groupId: string,
  q: AttributionQ,
  o: AttributionOpts,
): Promise<void> {
  const [g, key] = await withHub(async (hub) => {
    const report = await groupAttributionReport(hub, groupId, q);
    return [report, o.export ? await exportGroupAttribution(hub.archive, report) : null] as const;
  });
  if (key) process.stderr.write(`exported to ${key}\n`);
  if (o.csv) process.stdout.write(groupReportCsv(g) + '\n');
  else emit(!!o.json, g, () => groupReportTable(g));
}

/** `sale explain <dealNumber>`. */
function addSaleExplain(program: Command): void {
  program
    .command('sale')
    .description('Sales')
    .command('explain <dealNumber>')
    .description(
      'The match, the touches in window with credits per model, and what was left out and why',
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'output JSON')
    .action(async (dealNumber: string, o: { tenant: string; json?: boolean }) => {
      const a = await withHub((hub) => hub.attribution.explain(o.tenant, { dealNumber }));
      emit(!!o.json, a, () => explainText(a));
    });
}

/** A sale's explanation for people: the match, its touches with credits, what was left out. */
function explainText(a: SaleAttribution): string {
  const t = peopleTable({
    head: [
      'time',
      'date',
      'channel',
      'campaign',
      'type',
      'sources',
      'last',
      'first',
      'linear',
      'decay',
      'position',
    ],
  });
  for (const x of a.touches)
    t.push([
      new Date(x.t).toISOString(),
      x.date,
      x.channel,
      x.campaignId || '(none)',
      x.type,
      x.sources.join(' '),
      x.credits.last_touch,
      x.credits.first_touch,
      x.credits.linear,
      Number(approx(x.credits.time_decay)).toFixed(4),
      x.credits.position_based,
    ]);
  const left = a.leftOut.map(
    (x) => `  ${x.date} ${x.channel} ${x.campaignId || '(none)'} ${x.type}: ${x.reason}`,
  );
  return [
    `deal ${a.dealNumber} on ${a.saleDate}: customer ${a.customerId ?? '(none)'}, key ${a.matchKey ?? '-'}, confidence ${a.matchConfidence ?? '-'}${a.matched ? '' : ' (not matched)'}`,
    a.touches.length ? t.toString() : '(unattributed: no touch in window)',
    ...(left.length ? ['left out:', ...left] : []),
  ].join('\n');
}

/** `n/d` → its value as a float, for display only. */
function approx(frac: string): number {
  const [n, d = '1'] = frac.split('/');
  return Number(n) / Number(d);
}
