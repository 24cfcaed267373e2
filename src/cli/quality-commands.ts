import Table from 'cli-table3';
import type { Command } from 'commander';

import {
  formatDuration,
  type ResponseReport,
  type ResponseStats,
} from '../attribution/response-time.ts';
import { ResponseTimeReader } from '../attribution/response-store.ts';
import { RangeQuery } from '../api/routes/quality-reports.ts';
import { COUNTERS } from '../quality/counters.ts';
import {
  DataQualityReader,
  type DataQualityReport,
  type QualityFigures,
} from '../quality/report.ts';
import { emit, toCsv } from './output.ts';
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

/** The response-time report as CSV: the store row, then one per salesperson (exact values). */
export function responseTimeCsv(r: ResponseReport): string {
  const line = (who: string, s: ResponseStats) => [who, ...STAT_COLUMNS.map((c) => s[c])];
  return toCsv(
    ['salesperson', ...STAT_COLUMNS],
    [line('(store)', r.store), ...r.salespeople.map((p) => line(p.salesperson, p))],
  );
}

/** The response-time report for people: durations, shares as percent, the unanswered leads. */
export function responseTimeTable(r: ResponseReport): string {
  const t = new Table({
    head: [
      'salesperson',
      'leads',
      'answered',
      'median',
      'p90',
      'within SLA',
      'unanswered',
      'pending',
    ],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  const line = (who: string, s: ResponseStats) => [
    who,
    String(s.leads),
    String(s.answered),
    formatDuration(s.medianMs),
    formatDuration(s.p90Ms),
    s.withinSlaShare === null ? '-' : `${(Number(s.withinSlaShare) * 100).toFixed(1)}%`,
    String(s.unanswered),
    String(s.pending),
  ];
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
    const t = new Table({
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
  tenant: string;
  from: string;
  to: string;
  json?: boolean;
  csv?: boolean;
}

/** `report response-time` and `report data-quality`, beside `report attribution`. */
export function registerQualityReports(report: Command): void {
  const range = (c: Command) =>
    c
      .requiredOption('--tenant <id>', 'tenant id')
      .requiredOption('--from <date>', 'first tenant date, YYYY-MM-DD')
      .requiredOption('--to <date>', 'last tenant date, YYYY-MM-DD')
      .option('--json', 'output JSON')
      .option('--csv', 'output CSV');
  range(report.command('response-time'))
    .description('Response time per store and salesperson, and the leads left unanswered')
    .action(async (o: RangeOpts) => {
      const q = RangeQuery.parse({ from: o.from, to: o.to });
      const r = await withHub(async (hub) => {
        await hub.tenants.get(o.tenant);
        return new ResponseTimeReader(hub.redis, hub.keys, hub.settings).report(o.tenant, q);
      });
      if (o.csv) process.stdout.write(responseTimeCsv(r) + '\n');
      else emit(!!o.json, r, () => responseTimeTable(r));
    });
  range(report.command('data-quality'))
    .description(
      'Per source connection and import day: read, quarantined, missing details, duplicates',
    )
    .action(async (o: RangeOpts) => {
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
