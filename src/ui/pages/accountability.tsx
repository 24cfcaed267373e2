import {
  formatDuration,
  type ResponseReport,
  type ResponseStats,
} from '../../attribution/response-time.ts';
import { count, percent } from '../format.ts';
import { EmptyRow, TableHead } from '../layout.tsx';
import { when } from './health.tsx';

/** The column heads of a row of response-time figures. */
export const STAT_HEADS = [
  'Leads',
  'Answered',
  'Median',
  '90th pct',
  'Within SLA',
  'Unanswered',
  'Pending',
];

/** A row's response-time figures: counts, durations, the share within the SLA. */
export function StatCells(props: { s: ResponseStats }) {
  const s = props.s;
  return (
    <>
      <td class="num">{count(s.leads)}</td>
      <td class="num">{count(s.answered)}</td>
      <td class="num">{formatDuration(s.medianMs)}</td>
      <td class="num">{formatDuration(s.p90Ms)}</td>
      <td class="num">{percent(s.withinSlaShare)}</td>
      <td class="num">{count(s.unanswered)}</td>
      <td class="num">{count(s.pending)}</td>
    </>
  );
}

/** Response time of the store and of each salesperson. */
export function ResponseTable(props: { report: ResponseReport }) {
  const r = props.report;
  return (
    <table id="response-time">
      <caption>
        Leads created {r.from} to {r.to}; SLA {r.slaMinutes} minutes (exactly the SLA is within)
      </caption>
      <TableHead cols={['Salesperson']} nums={STAT_HEADS} />
      <tbody>
        {r.salespeople.map((p) => (
          <tr>
            <th scope="row">{p.salesperson}</th>
            <StatCells s={p} />
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Whole store</th>
          <StatCells s={r.store} />
        </tr>
      </tfoot>
    </table>
  );
}

/** What the unanswered table says of its leads and customers beside their ids. */
export interface UnansweredWho {
  /** Lead id → `source · campaign`. */
  leads: ReadonlyMap<string, string>;
  /** Customer id → `name · email · phone`. */
  customers: ReadonlyMap<string, string>;
}

/** The leads nobody answered within 24 hours, with who to call back. */
export function UnansweredTable(props: {
  report: ResponseReport;
  timeZone: string;
  /** Who to call back: each lead's source and campaign, each customer's name and contact. */
  who?: UnansweredWho;
}) {
  const leads = props.report.unansweredLeads;
  const who = props.who ?? { leads: new Map(), customers: new Map() };
  return (
    <table id="unanswered">
      <caption>Unanswered within 24 hours ({count(leads.length)})</caption>
      <TableHead cols={['Lead created', 'Lead', 'Salesperson', 'Customer', 'Answer']} />
      <tbody>
        {leads.length === 0 && (
          <EmptyRow cols={5}>
            Every lead of the range was answered within 24 hours (or is still pending).
          </EmptyRow>
        )}
        {leads.map((l) => (
          <tr>
            <th scope="row">{when(l.createdAt, props.timeZone)}</th>
            <td>
              {who.leads.get(l.leadId) && <div>{who.leads.get(l.leadId)}</div>}
              <code>{l.leadId}</code>
            </td>
            <td>{l.salesperson}</td>
            <td>
              {l.customerId && who.customers.get(l.customerId) && (
                <div>{who.customers.get(l.customerId)}</div>
              )}
              {l.customerId ? <code>{l.customerId}</code> : '—'}
            </td>
            <td>
              {l.answeredAfterMs === null ? (
                <span class="badge b-bad">never</span>
              ) : (
                <span class="badge b-warn">after {formatDuration(l.answeredAfterMs)}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
