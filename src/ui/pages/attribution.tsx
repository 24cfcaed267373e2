import { DateTime } from 'luxon';

import type { SaleAttribution } from '../../attribution/attribute.ts';
import type { CampaignSale, TrendWeek } from '../../attribution/drill.ts';
import type { Funnel } from '../../attribution/funnel.ts';
import { scaledToString } from '../../attribution/fraction.ts';
import type { Report, ReportRow } from '../../attribution/report.ts';
import { MODELS, type Model } from '../../attribution/types.ts';
import { campaignLabel } from '../campaign-labels.ts';
import { count, fractionPercent, money, two } from '../format.ts';
import { EmptyRow, TableHead } from '../layout.tsx';
import { Chart, MODEL_NAMES, Panel } from './report-parts.tsx';

/** What a report page shows: the range, model and currency. */
export interface ReportView {
  from: string;
  to: string;
  model: Model;
  currency: string;
  /** Where the store's report pages are: `/ui/reports`, or a group member's `/ui/group/stores/<t>/reports`. */
  base: string;
}

const q = (v: ReportView, more: Record<string, string> = {}) =>
  new URLSearchParams({ from: v.from, to: v.to, model: v.model, ...more }).toString();

/** The link to a report row's sales. */
const salesHref = (v: ReportView, r: ReportRow) =>
  `${v.base}/attribution/sales?${q(v, { channel: r.channel, campaignId: r.campaignId ?? '' })}`;

/**
 * Cost per sale for people: with no spend recorded (email, lead sites, walk-ins) there is no cost
 * to divide, so a dash rather than a `$0.00` that reads as "free sales".
 */
const perSale = (row: ReportRow, currency: string) =>
  Number(row.spend) === 0 ? (
    <span title="no spend recorded">—</span>
  ) : (
    money(row.costPerSale, currency)
  );

/** The report per campaign, the unattributed row and the totals. */
export function AttributionTable(props: { report: Report; view: ReportView }) {
  const { report: r, view: v } = props;
  const cells = (row: ReportRow) => (
    <>
      <td class="num">{money(row.spend, v.currency)}</td>
      <td class="num">{count(row.leads)}</td>
      <td class="num">{two(row.sold)}</td>
      <td class="num">{perSale(row, v.currency)}</td>
      <td class="num">{row.roas === null ? '—' : `${two(row.roas)}×`}</td>
    </>
  );
  const name = (row: ReportRow) => campaignLabel(row.campaignId, row.campaignName);
  return (
    <table id="attribution-table">
      <caption>
        Per campaign, {MODEL_NAMES[v.model].toLowerCase()} model, {v.from} to {v.to}
      </caption>
      <TableHead
        cols={['Campaign', 'Channel']}
        nums={['Spend', 'Leads', 'Sold', 'Cost per sale', 'ROAS']}
      />
      <tbody>
        {r.rows.map((row) => (
          <tr>
            <th scope="row">
              <a href={salesHref(v, row)}>{name(row)}</a>
            </th>
            <td>{row.channel}</td>
            {cells(row)}
          </tr>
        ))}
        <tr class="unattributed">
          <th scope="row">
            <a href={salesHref(v, r.unattributed)}>Unattributed</a>
          </th>
          <td class="muted">walk-in, referral, repeat</td>
          {cells(r.unattributed)}
        </tr>
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td></td>
          {cells(r.totals)}
        </tr>
      </tfoot>
    </table>
  );
}

/** A campaign name short enough to stand under a bar (the table beside has it whole). */
const short = (name: string) => (name.length > 24 ? `${name.slice(0, 23)}…` : name);

/** Spend (bars, left axis) against sales credited (line, right axis) per campaign. */
export function SpendVsSold(props: { report: Report }) {
  const rows = props.report.rows;
  return (
    <Chart
      id="spend-sold"
      label="Spend and sales credited per campaign (the table above has the same figures)"
      height={320}
      spec={{
        type: 'bar',
        everyLabel: true,
        labels: rows.map((r) => short(r.campaignName ?? r.campaignId ?? r.channel)),
        yTitle: 'Spend',
        y2Title: 'Sold',
        datasets: [
          {
            label: 'Spend',
            data: rows.map((r) => Number(r.spend)),
            backgroundColor: '#93c5fd',
            order: 2,
          },
          {
            label: 'Sold',
            type: 'line',
            yAxisID: 'y2',
            order: 1,
            pointRadius: 5,
            data: rows.map((r) => Number(Number(r.sold).toFixed(2))),
            borderColor: '#16a34a',
            backgroundColor: '#16a34a',
          },
        ],
      }}
    />
  );
}

/** The lead funnel as bars with counts and the share of leads reaching each stage. */
export function FunnelView(props: { funnel: Funnel }) {
  const f = props.funnel;
  const steps: [string, number][] = [
    ['Leads', f.leads],
    ['Contacted', f.contacted],
    ['Appointment', f.appointment],
    ['Shown', f.shown],
    ['Sold', f.sold],
  ];
  return (
    <table class="funnel" id="funnel">
      <caption>
        Leads created {f.from} to {f.to}, by the furthest stage they reached
      </caption>
      <TableHead cols={['Stage', '']} nums={['Leads', 'Of all leads']} />
      <tbody>
        {steps.map(([label, n]) => {
          const share = f.leads ? (n / f.leads) * 100 : 0;
          return (
            <tr>
              <th scope="row">{label}</th>
              <td class="bar-cell" aria-hidden="true">
                <span class="bar" style={`width:${share.toFixed(1)}%`}></span>
              </td>
              <td class="num">{count(n)}</td>
              <td class="num">{f.leads ? `${share.toFixed(1)}%` : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The weekly trend: a chart of spend and sold, and the same weeks as a table. */
export function TrendView(props: { weeks: TrendWeek[]; currency: string }) {
  const w = props.weeks;
  return (
    <>
      <Chart
        id="trend"
        label="Spend and sales per week (the table below has the same figures)"
        height={220}
        spec={{
          type: 'line',
          labels: w.map((x) => x.from),
          yTitle: 'Spend',
          y2Title: 'Sold',
          datasets: [
            { label: 'Spend', data: w.map((x) => Number(x.spend)), borderColor: '#2563eb' },
            {
              label: 'Sold',
              yAxisID: 'y2',
              data: w.map((x) => Number(Number(x.sold).toFixed(2))),
              borderColor: '#16a34a',
            },
          ],
        }}
      />
      <details>
        <summary>Weekly figures</summary>
        <table>
          <caption>Per week (Monday to Sunday, cut to the range)</caption>
          <TableHead cols={['Week']} nums={['Spend', 'Leads', 'Sold']} />
          <tbody>
            {w.map((x) => (
              <tr>
                <th scope="row">
                  {x.from} – {x.to}
                </th>
                <td class="num">{money(x.spend, props.currency)}</td>
                <td class="num">{count(x.leads)}</td>
                <td class="num">{two(x.sold)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

/** The sales one report row was credited with. */
export function CampaignSalesTable(props: { sales: CampaignSale[]; view: ReportView }) {
  const v = props.view;
  return (
    <table id="campaign-sales">
      <caption>{count(props.sales.length)} sales credited</caption>
      <TableHead
        cols={['Deal', 'Sale date', 'Matched by']}
        nums={['Credit', 'Gross credited', 'Revenue credited']}
      />
      <tbody>
        {props.sales.length === 0 && (
          <EmptyRow cols={6}>No sale in this range credits it under this model.</EmptyRow>
        )}
        {props.sales.map((s) => (
          <tr>
            <th scope="row">
              <a href={`${v.base}/sales/${encodeURIComponent(s.saleId)}?${q(v)}`}>
                {s.dealNumber || s.saleId}
              </a>
            </th>
            <td>{s.saleDate}</td>
            <td>{s.matchKey ? `${s.matchKey} (${s.matchConfidence ?? '?'})` : '—'}</td>
            <td class="num">{two(s.credit)}</td>
            <td class="num">{money(s.gross, v.currency)}</td>
            <td class="num">{money(s.revenue, v.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How the explanation shows a sale: its model, currency, the store's zone and campaign names. */
interface ExplanationProps {
  sale: SaleAttribution;
  model: Model;
  currency: string;
  /** The store's zone: touch times show in it, as the window's dates count them. */
  timeZone: string;
  /** Campaign id → name (campaign records), so the path names campaigns as the report does. */
  names: ReadonlyMap<string, string>;
}

/** A touch's time to the minute in the store's zone (`2026-09-24 04:05 CDT`), wrapping after the date. */
function minute(ms: number, timeZone: string) {
  const t = DateTime.fromMillis(ms, { zone: timeZone });
  return (
    <>
      <span class="nowrap">{t.toFormat('yyyy-MM-dd')}</span>{' '}
      <span class="nowrap">{t.toFormat('HH:mm ZZZZ')}</span>
    </>
  );
}

/** A touch's campaign by name (with its id), as the report names it. */
const campaignOf = (p: ExplanationProps, id: string) =>
  id ? campaignLabel(id, p.names.get(id)) : '(none)';

/** A sale's explanation: the match, the path of touches with credits per model, what was left out. */
export function Explanation(props: ExplanationProps) {
  const s = props.sale;
  return (
    <>
      <dl class="kv panel" id="sale">
        <dt>Deal</dt>
        <dd>{s.dealNumber || '—'}</dd>
        <dt>Sale date</dt>
        <dd>{s.saleDate}</dd>
        <dt>Customer</dt>
        <dd>{s.customerId ? <code>{s.customerId}</code> : 'no customer matched'}</dd>
        <dt>Matched by</dt>
        <dd>
          {s.matchKey ?? '—'} {s.matchConfidence && `(${s.matchConfidence} confidence)`}
          {!s.matched && s.customerId && ' — below the minimum confidence: not credited'}
        </dd>
        <dt>Price / gross</dt>
        <dd>
          {money(scaledToString(BigInt(s.priceCents), 2), props.currency)} /{' '}
          {money(scaledToString(BigInt(s.grossCents), 2), props.currency)}
        </dd>
      </dl>
      <Panel title="Path to purchase">
        <TouchesTable {...props} />
      </Panel>
      {s.leftOut.length > 0 && (
        <Panel title="Left out">
          <table id="left-out">
            <caption>Touches left out, and why</caption>
            <TableHead cols={['Date', 'Channel', 'Campaign', 'Type', 'Why']} />
            <tbody>
              {s.leftOut.map((t) => (
                <tr>
                  <th scope="row">{t.date}</th>
                  <td>{t.channel}</td>
                  <td>{campaignOf(props, t.campaignId)}</td>
                  <td>{t.type}</td>
                  <td>{LEFT_OUT[t.reason] ?? t.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      )}
    </>
  );
}

/** The path: each touch in the window, at its time in the store's zone, with its credit per model. */
function TouchesTable(props: ExplanationProps) {
  const { sale: s, model } = props;
  return (
    <table id="touches">
      <caption>
        {s.touches.length
          ? `The path: ${s.touches.length} touches in the window, credit per model`
          : 'Unattributed: no touch in the window'}
      </caption>
      <TableHead
        cols={['#', 'Time (store)', 'Channel', 'Campaign', 'Type', 'Source records']}
        nums={MODELS.map((m) => MODEL_NAMES[m])}
      />
      <tbody>
        {s.touches.map((t, i) => (
          <tr>
            <th scope="row">{i + 1}</th>
            <td>{minute(t.t, props.timeZone)}</td>
            <td>{t.channel}</td>
            <td>{campaignOf(props, t.campaignId)}</td>
            <td>{t.type}</td>
            <td class="sources">
              {t.sources.map((x) => (
                <code>{x}</code>
              ))}
            </td>
            {MODELS.map((m) => (
              <td class={`num${m === model ? ' chosen' : ''}`}>{fractionPercent(t.credits[m])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const LEFT_OUT: Record<string, string> = {
  after_sale: 'after the sale day',
  before_lookback: 'before the lookback window',
  match_below_minimum: 'the sale matched below the minimum confidence',
};
