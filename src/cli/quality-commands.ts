import type { Command } from 'commander';

import {
  formatDuration,
  type ResponseReport,
  type ResponseStats,
} from '../attribution/response-time.ts';
import { groupResponseTime, type GroupResponseReport } from '../attribution/group-report.ts';
import { ResponseTimeReader } from '../attribution/response-store.ts';
import { RangeQuery } from '../api/routes/quality-reports.ts';
import { COUNTERS } from '../quality/counters.ts';
import {
  DataQualityReader,
  type DataQualityReport,
  type QualityFigures,
} from '../quality/report.ts';
import { emit, peopleTable, toCsv } from './output.ts';
import { withHub } from './with-hub.ts';

const STAT_COLUMNS = [
  'leads',
  'answered',
  'medianMs',
  'p90Ms',
  'withinSla',
  'withinSlaShare',
  'unanswered',
  'pending',
] as const;

const csvLine = (who: string, s: ResponseStats) => [who, ...STAT_COLUMNS.map((c) => s[c])];

/** The response-time report as CSV: the store row, then one per salesperson (exact values). */
export function responseTimeCsv(r: ResponseReport): string {
  return toCsv(
    ['salesperson', ...STAT_COLUMNS],
    [csvLine('(store)', r.store), ...r.salespeople.map((p) => csvLine(p.salesperson, p))],
  );
}

/** A group's response time as CSV: per store, its row, then one per salesperson. */
export function groupResponseTimeCsv(g: GroupResponseReport): string {
  return toCsv(
    ['tenantId', 'salesperson', ...STAT_COLUMNS],
    groupResponseLines(g).map(([tenantId, who, s]) => [tenantId, ...csvLine(who, s)]),
  );
}

/** Per store: `[tenantId, '(store)', figures]`, then `[tenantId, salesperson, figures]` for each. */
function groupResponseLines(g: GroupResponseReport): [string, string, ResponseStats][] {
  return g.stores.flatMap((s) => [
    [s.tenantId, '(store)', s] as [string, string, ResponseStats],
    ...g.salespeople
      .filter((p) => p.tenantId === s.tenantId)
      .map((p) => [s.tenantId, p.salesperson, p] as [string, string, ResponseStats]),
  ]);
}

const STAT_HEAD = ['leads', 'answered', 'median', 'p90', 'within SLA', 'unanswered', 'pending'];

/** One row's figures for people: durations, the share within the SLA as a percent. */
const statCells = (s: ResponseStats) => [
  String(s.leads),
  String(s.answered),
  formatDuration(s.medianMs),
  formatDuration(s.p90Ms),
  s.withinSlaShare === null ? '-' : `${(Number(s.withinSlaShare) * 100).toFixed(1)}%`,
  String(s.unanswered),
  String(s.pending),
];

/** `text` left-aligned columns, then `nums` right-aligned ones. */
const aligned = (text: number, nums: number) => [
  ...Array<'left'>(text).fill('left'),
  ...Array<'right'>(nums).fill('right'),
];

/** A group's response time for people: a row per store and per store × salesperson. */
export function groupResponseTimeTable(g: GroupResponseReport): string {
  const t = peopleTable({
    head: ['store', 'salesperson', ...STAT_HEAD],
    colAligns: aligned(2, STAT_HEAD.length),
  });
  for (const [tenantId, who, s] of groupResponseLines(g)) t.push([tenantId, who, ...statCells(s)]);
  const slas = g.stores.map((s) => `${s.tenantId} ${s.timeZone}, SLA ${s.slaMinutes} min`);
  return [
    `response time of group ${g.groupId} (${g.groupName}), ${g.from} to ${g.to} in each store's own dates (${slas.join('; ') || 'no stores'})`,
    t.toString(),
  ].join('\n');
}

/** The response-time report for people: durations, shares as percent, the unanswered leads. */
export function responseTimeTable(r: ResponseReport): string {
  const t = peopleTable({
    head: ['salesperson', ...STAT_HEAD],
    colAligns: aligned(1, STAT_HEAD.length),
  });
  const line = (who: string, s: ResponseStats) => [who, ...statCells(s)];
  t.push(line('(store)', r.store), ...r.salespeople.map((p) => line(p.salesperson, p)));
  const late = r.unansweredLeads.map(
    (l) =>
      `  ${l.createdAt} lead ${l.leadId} (${l.salesperson}): ${l.answeredAfterMs === null ? 'never answered' : `answered after ${formatDuration(l.answeredAfterMs)}`}`,
  );
  return [
    `response time, ${r.from} to ${r.to} (SLA ${r.slaMinutes} min)`,
    t.toString(),
    ...(late.length ? ['unanswered within 24 h:', ...late] : []),
  ].join('\n');
}

const reasonsText = (f: QualityFigures) =>
  f.quarantinedByReason.map((x) => `${x.reason} (${x.count})`).join('; ');

/** The data-quality report as CSV: one line per source and import day, then its total. */
export function dataQualityCsv(r: DataQualityReport): string {
  const rows = r.sources.flatMap((s) =>
    [...s.days, { ...s.totals, date: 'total' }].map((d) => [
      s.connectionId,
      s.connectionName,
      d.date,
      ...COUNTERS.map((c) => d[c]),
      reasonsText(d),
    ]),
  );
  return toCsv(
    ['connectionId', 'connectionName', 'date', ...COUNTERS, 'quarantinedByReason'],
    rows,
  );
}

/** The data-quality report for people: a table per source, one row per import day. */
export function dataQualityTable(r: DataQualityReport): string {
  if (!r.sources.length) return `data quality, ${r.from} to ${r.to}: nothing imported`;
  const parts = r.sources.map((s) => {
    const t = peopleTable({
      head: ['date', 'read', 'quarantined', 'no email', 'no phone', 'normalized', 'duplicates'],
      colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    });
    for (const d of [...s.days, { ...s.totals, date: 'total' }])
      t.push([d.date, ...COUNTERS.map((c) => String(d[c]))]);
    const reasons = s.totals.quarantinedByReason.map((x) => `  ${x.reason}: ${x.count}`);
    return [
      `${s.connectionName ?? '(deleted connection)'} [${s.connectionId}]`,
      t.toString(),
      ...(reasons.length ? ['quarantined by reason:', ...reasons] : []),
    ].join('\n');
  });
  return [`data quality, ${r.from} to ${r.to} (by import day)`, ...parts].join('\n\n');
}

interface RangeOpts {
  tenant?: string;
  group?: string;
  from: string;
  to: string;
  json?: boolean;
  csv?: boolean;
}

/** The range's options on a report command. */
const range = (c: Command) =>
  c
    .requiredOption('--from <date>', 'first tenant date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last tenant date, YYYY-MM-DD')
    .option('--json', 'output JSON')
    .option('--csv', 'output CSV');

/** `report response-time --tenant <t>` or `--group <g>` (a row per store and salesperson). */
async function printResponseTime(o: RangeOpts): Promise<void> {
  const q = RangeQuery.parse({ from: o.from, to: o.to });
  if (!o.tenant === !o.group) throw new Error('give exactly one of --tenant <id> or --group <id>');
  if (o.group) {
    const g = await withHub((hub) => groupResponseTime(hub, o.group!, q));
    if (o.csv) process.stdout.write(groupResponseTimeCsv(g) + '\n');
    else emit(!!o.json, g, () => groupResponseTimeTable(g));
    return;
  }
  const tenant = o.tenant!;
  const r = await withHub(async (hub) => {
    await hub.tenants.get(tenant);
    return new ResponseTimeReader(hub.redis, hub.keys, hub.settings).report(tenant, q);
  });
  if (o.csv) process.stdout.write(responseTimeCsv(r) + '\n');
  else emit(!!o.json, r, () => responseTimeTable(r));
}

/** `report response-time` and `report data-quality`, beside `report attribution`. */
export function registerQualityReports(report: Command): void {
  range(report.command('response-time'))
    .option('--tenant <id>', 'tenant id (a store)')
    .option('--group <id>', 'a tenant group: a row per store and per salesperson of each store')
    .description('Response time per store and salesperson, and the leads left unanswered')
    .action(printResponseTime);
  range(report.command('data-quality').requiredOption('--tenant <id>', 'tenant id'))
    .description(
      'Per source connection and import day: read, quarantined, missing details, duplicates',
    )
    .action(async (o: RangeOpts & { tenant: string }) => {
      const q = RangeQuery.parse({ from: o.from, to: o.to });
      const r = await withHub(async (hub) => {
        await hub.tenants.get(o.tenant);
        const connections = await hub.connections.list(o.tenant);
        return new DataQualityReader(hub.redis, hub.keys).report(o.tenant, q, connections);
      });
      if (o.csv) process.stdout.write(dataQualityCsv(r) + '\n');
      else emit(!!o.json, r, () => dataQualityTable(r));
    });
}
