import { DateTime } from 'luxon';
import type { Connection } from '../../store/connections.ts';
import { mappingLabel, type RunReport, type Sync } from '../../sync/types.ts';
import { Badge, EmptyRow, TableHead } from '../layout.tsx';
import { scheduleText } from '../format.ts';

/** One sync row: the definition, its newest run and how far behind it is. */
export interface SyncRow {
  sync: Sync;
  connectionName: string;
  last: RunReport | null;
  lagSeconds: number | null;
}

const n = (x: number) => x.toLocaleString('en-US');
/** A duration for people: 850 ms, 12.4 s, 3 min, 2.1 h. */
export const duration = (ms: number | null) =>
  ms === null
    ? '—'
    : ms < 1000
      ? `${ms} ms`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)} s`
        : ms < 3_600_000
          ? `${Math.round(ms / 60_000)} min`
          : `${(ms / 3_600_000).toFixed(1)} h`;
/** A time for people, in the store's time zone with the zone's abbreviation (`2026-12-03 10:18:40 CST`). */
export const when = (iso: string | null, timeZone: string) => {
  const t = iso ? DateTime.fromISO(iso, { zone: 'utc' }) : null;
  return t?.isValid ? t.setZone(timeZone).toFormat('yyyy-MM-dd HH:mm:ss ZZZZ') : '—';
};

/** The connections table: status and, for broken ones, why. */
export function ConnectionsTable(props: { connections: Connection[] }) {
  return (
    <table>
      <caption>Connections</caption>
      <TableHead cols={['Name', 'Connector', 'Status', 'Id']} />
      <tbody>
        {props.connections.length === 0 && (
          <EmptyRow cols={4}>
            No connections yet. <a href="/ui/setup">Add one</a>.
          </EmptyRow>
        )}
        {props.connections.map((c) => (
          <tr>
            <th scope="row">
              <a href={`/ui/setup/connections/${c.id}`}>{c.name}</a>
            </th>
            <td>{c.connectorId}</td>
            <td>
              <Badge status={c.status} />
              {c.statusReason && <div class="reason">{c.statusReason}</div>}
            </td>
            <td>
              <code>{c.id}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The syncs table: schedule, last run with its counts, and change-log lag. */
export function SyncsTable(props: { rows: SyncRow[]; timeZone: string }) {
  return (
    <table>
      <caption>Syncs</caption>
      <TableHead
        cols={['Sync', 'Mode', 'Schedule', 'Last run']}
        nums={['Read', 'Written', 'Quarantined', 'Lag']}
      />
      <tbody>
        {props.rows.length === 0 && <EmptyRow cols={8}>No syncs yet.</EmptyRow>}
        {props.rows.map(({ sync: s, connectionName, last, lagSeconds }) => (
          <tr>
            <th scope="row">
              <a href={`/ui/syncs/${s.id}`}>{s.name}</a>
              <div class="muted">
                {connectionName} · {s.mapping}
              </div>
            </th>
            <td>
              {s.mode} {s.status === 'paused' && <Badge status="paused" />}
            </td>
            <td>
              {s.schedule ? (
                <>
                  {scheduleText(s.schedule, s.timezone)} <code class="muted">{s.schedule}</code>
                </>
              ) : (
                <span class="muted">on demand</span>
              )}
            </td>
            <td>
              {last ? (
                <>
                  <Badge status={last.status} />{' '}
                  <a href={`/ui/runs/${last.id}`}>{when(last.startedAt, props.timeZone)}</a>
                </>
              ) : (
                <span class="muted">never</span>
              )}
            </td>
            <td class="num">{last ? n(last.counts.read) : '—'}</td>
            <td class="num">{last ? n(last.counts.written) : '—'}</td>
            <td class="num">{last ? n(last.counts.quarantined) : '—'}</td>
            <td class="num">{lagSeconds === null ? '—' : duration(lagSeconds * 1000)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One run in detail. */
export function RunDetail(props: { run: RunReport; sync: Sync; timeZone: string }) {
  const r = props.run;
  return (
    <>
      <div class="panel">
        <dl class="kv">
          <dt>Sync</dt>
          <dd>
            <a href={`/ui/syncs/${props.sync.id}`}>{props.sync.name}</a>
          </dd>
          <dt>Status</dt>
          <dd>
            <Badge status={r.status} />
          </dd>
          <dt>Trigger</dt>
          <dd>{r.trigger}</dd>
          <dt>Started</dt>
          <dd>{when(r.startedAt, props.timeZone)}</dd>
          <dt>Finished</dt>
          <dd>{when(r.finishedAt, props.timeZone)}</dd>
          <dt>Duration</dt>
          <dd>{duration(r.durationMs)}</dd>
          <dt>Pages / batches</dt>
          <dd>{n(r.batches)}</dd>
          <dt>Mapping</dt>
          <dd>{mappingLabel(r.mapping)}</dd>
        </dl>
      </div>
      <table>
        <caption>Counts</caption>
        <thead>
          <tr>
            {Object.keys(r.counts).map((k) => (
              <th scope="col" class="num">
                {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {Object.values(r.counts).map((v) => (
              <td class="num">{n(v)}</td>
            ))}
          </tr>
        </tbody>
      </table>
      <RunNotesTable notes={r.notes} />
      <h2 class="section">Errors</h2>
      {r.errors.length ? (
        <ul>
          {r.errors.map((e) => (
            <li class="reason">{e}</li>
          ))}
        </ul>
      ) : (
        <p class="muted">None.</p>
      )}
    </>
  );
}

/** A run's notes (`skipped.tooOld`, `unmatchable.noContactDetails`...): why counts are what they are. */
function RunNotesTable(props: { notes: RunReport['notes'] }) {
  const notes = Object.entries(props.notes ?? {});
  if (!notes.length) return null;
  return (
    <>
      <h2 class="section">Notes</h2>
      <table id="run-notes">
        <caption>Records skipped, left out or unmatched, by reason</caption>
        <TableHead cols={['Note']} nums={['Records']} />
        <tbody>
          {notes.map(([k, v]) => (
            <tr>
              <th scope="row">
                <code>{k}</code>
              </th>
              <td class="num">{n(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
