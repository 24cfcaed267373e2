import type { QuarantineEntry } from '../../sync/quarantine.ts';
import { Csrf, EmptyRow, ProblemList, TableHead } from '../layout.tsx';
import { flatten, TYPE, VALUE } from '../record-form.ts';
import type { UiSession } from '../session.ts';
import { when } from './health.tsx';

/** Where a kind of entry lives in the dashboard. */
export type EntryKind = 'quarantine' | 'dead-letters';

const reasons = (e: QuarantineEntry) => e.problems.map((p) => `${p.field}: ${p.reason}`).join('; ');

/** The list of quarantined records or dead letters. */
export function EntriesTable(props: {
  kind: EntryKind;
  entries: QuarantineEntry[];
  syncNames: Map<string, string>;
  timeZone: string;
}) {
  return (
    <table>
      <caption>{props.kind === 'quarantine' ? 'Quarantined records' : 'Dead letters'}</caption>
      <TableHead cols={['Record', 'Sync', 'Direction', 'Reasons', 'Since']} />
      <tbody>
        {props.entries.length === 0 && (
          <EmptyRow cols={5}>Nothing here: every record went through.</EmptyRow>
        )}
        {props.entries.map((e) => (
          <tr>
            <th scope="row">
              <a href={`/ui/${props.kind}/${e.id}`}>{e.externalKey ?? e.id}</a>
            </th>
            <td>{props.syncNames.get(e.syncId) ?? e.syncId}</td>
            <td>{e.direction === 'in' ? 'inbound' : 'outbound'}</td>
            <td class="reason">{reasons(e)}</td>
            <td>{when(e.at, props.timeZone)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One entry: the reasons, the record as a form to fix (inbound quarantine), replay and discard. */
export function EntryDetail(props: {
  kind: EntryKind;
  entry: QuarantineEntry;
  session: UiSession;
  timeZone: string;
}) {
  const e = props.entry;
  const bad = new Set(e.problems.map((p) => p.field));
  const fixable = props.kind === 'quarantine' && e.direction === 'in';
  const fields = flatten(e.record);
  return (
    <>
      <div class="panel">
        <h2 class="section" style="margin-top:0">
          Why it was refused
        </h2>
        <ProblemList problems={e.problems} />
        <p class="muted">
          Stream <code>{e.stream}</code> · {e.direction === 'in' ? 'inbound' : 'outbound'} · since{' '}
          {when(e.at, props.timeZone)}
          {e.replays > 0 && ` · replayed ${e.replays} time(s) without success`}
        </p>
      </div>
      <form method="post" action={`/ui/${props.kind}/${e.id}/replay`} class="stack panel">
        <Csrf session={props.session} />
        <h2 class="section" style="margin-top:0">
          {fixable ? 'Fix the record and replay it' : 'Send it again'}
        </h2>
        {fixable &&
          fields.map((f, i) => {
            const problem = [...bad].find(
              (b) => f.path === b || f.path.endsWith(`.${b}`) || f.path.startsWith(`${b}.`),
            );
            return (
              <div class={`field${problem ? ' has-err' : ''}`}>
                <label for={`fld-${i}`}>{f.path}</label>
                <input id={`fld-${i}`} type="text" name={`${VALUE}${f.path}`} value={f.text} />
                <input type="hidden" name={`${TYPE}${f.path}`} value={f.type} />
              </div>
            );
          })}
        {!fixable && <pre class="code">{JSON.stringify(e.record, null, 2)}</pre>}
        <div class="actions">
          <button class="btn" type="submit">
            {fixable ? 'Replay with these values' : 'Replay'}
          </button>
        </div>
      </form>
      <form method="post" action={`/ui/${props.kind}/${e.id}/discard`} class="inline">
        <Csrf session={props.session} />
        <button class="btn danger" type="submit">
          Discard this record
        </button>
      </form>
    </>
  );
}
