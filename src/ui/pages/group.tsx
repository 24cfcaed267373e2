import type { GroupReport, GroupResponseReport } from '../../attribution/group-report.ts';
import type { ReportRow } from '../../attribution/report.ts';
import { count, money, sold, two } from '../format.ts';
import { EmptyRow, TableHead } from '../layout.tsx';
import { STAT_HEADS, StatCells } from './accountability.tsx';
import { Figure, MODEL_NAMES } from './report-parts.tsx';

/** Where a member store's own page of the dashboard is, for a group session. */
export const memberPage = (tenantId: string, page: string, query: string) =>
  `/ui/group/stores/${encodeURIComponent(tenantId)}/reports/${page}?${query}`;

/** A member store's row header: its name linking to its own `page`, and its tenant id. */
function StoreHead(props: {
  store: { tenantId: string; name: string };
  page: string;
  query: string;
}) {
  const { tenantId, name } = props.store;
  return (
    <th scope="row">
      <a href={memberPage(tenantId, props.page, props.query)}>{name}</a>{' '}
      <span class="muted">({tenantId})</span>
    </th>
  );
}

/** The body row of a group with no member stores. */
const NoStores = (props: { cols: number }) => (
  <EmptyRow cols={props.cols}>This group has no stores yet.</EmptyRow>
);

/** One row's figures in a currency: spend, leads, sold, cost per sale, ROAS. */
function Cells(props: { row: ReportRow; currency: string }) {
  const { row, currency } = props;
  return (
    <>
      <td class="num">{money(row.spend, currency)}</td>
      <td class="num">{count(row.leads)}</td>
      <td class="num">{two(row.sold)}</td>
      <td class="num">{money(row.gross, currency)}</td>
      <td class="num">{money(row.costPerSale, currency)}</td>
      <td class="num">{row.roas === null ? '—' : `${two(row.roas)}×`}</td>
    </>
  );
}

/** The group's totals as figure cards, one line per currency (never added across currencies). */
export function GroupTotals(props: { report: GroupReport }) {
  return (
    <>
      {props.report.totals.map((t) => (
        <div class="cards five" id={`totals-${t.currency}`}>
          <Figure value={money(t.spend, t.currency)} label={`spend (${t.currency})`} />
          <Figure value={count(t.leads)} label={`leads (${t.currency} stores)`} />
          <Figure value={sold(t.sold)} label="cars sold" />
          <Figure value={money(t.costPerSale, t.currency)} label="cost per sale" />
          <Figure value={t.roas === null ? '—' : `${two(t.roas)}×`} label="ROAS (gross / spend)" />
        </div>
      ))}
    </>
  );
}

/**
 * A row per member store (its own report's totals, in its currency), each linking to the store's
 * report of the same range and model, then the group's totals per currency.
 */
export function GroupStoresTable(props: { report: GroupReport; query: string }) {
  const g = props.report;
  return (
    <table id="group-stores">
      <caption>
        Per store, {MODEL_NAMES[g.model].toLowerCase()} model, {g.from} to {g.to} in each store's
        own dates
      </caption>
      <TableHead
        cols={['Store', 'Time zone', 'Currency']}
        nums={['Spend', 'Leads', 'Sold', 'Gross', 'Cost per sale', 'ROAS']}
      />
      <tbody>
        {g.stores.length === 0 && <NoStores cols={9} />}
        {g.stores.map((s, i) => (
          <tr>
            <StoreHead store={s} page="attribution" query={props.query} />
            <td>{s.timeZone}</td>
            <td>{s.currency}</td>
            <Cells row={g.subtotals[i]!} currency={s.currency} />
          </tr>
        ))}
      </tbody>
      <tfoot>
        {g.totals.map((t) => (
          <tr>
            <th scope="row">Total {t.currency}</th>
            <td class="muted">
              {t.stores.length} {t.stores.length === 1 ? 'store' : 'stores'}
            </td>
            <td>{t.currency}</td>
            <Cells row={t} currency={t.currency} />
          </tr>
        ))}
      </tfoot>
    </table>
  );
}

/**
 * The group's response time: a row per store (its own figures and SLA), each linking to the
 * store's accountability page (salespeople and unanswered leads) for the same range.
 */
export function GroupResponseStores(props: { report: GroupResponseReport; query: string }) {
  const g = props.report;
  return (
    <table id="group-response-stores">
      <caption>
        Leads created {g.from} to {g.to} in each store's own dates; each store's own SLA (exactly
        the SLA is within)
      </caption>
      <TableHead cols={['Store', 'Time zone', 'SLA']} nums={STAT_HEADS} />
      <tbody>
        {g.stores.length === 0 && <NoStores cols={3 + STAT_HEADS.length} />}
        {g.stores.map((s) => (
          <tr>
            <StoreHead store={s} page="accountability" query={props.query} />
            <td>{s.timeZone}</td>
            <td class="nowrap">{s.slaMinutes} min</td>
            <StatCells s={s} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A row per store × salesperson (the salesperson rows of each store's own report). */
export function GroupResponsePeople(props: { report: GroupResponseReport }) {
  const g = props.report;
  return (
    <table id="group-response-people">
      <caption>
        Per salesperson: the user of the answering activity, else the lead's assignee
      </caption>
      <TableHead cols={['Store', 'Salesperson']} nums={STAT_HEADS} />
      <tbody>
        {g.salespeople.length === 0 && (
          <EmptyRow cols={2 + STAT_HEADS.length}>
            No leads were created in these dates at any store of the group.
          </EmptyRow>
        )}
        {g.salespeople.map((p) => (
          <tr>
            <td>{p.tenantName}</td>
            <th scope="row">{p.salesperson}</th>
            <StatCells s={p} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
