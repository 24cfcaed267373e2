import type { DataQualityReport, QualityFigures } from '../../quality/report.ts';
import { count } from '../format.ts';
import { TableHead } from '../layout.tsx';

const QUALITY_HEADS = ['Read', 'Quarantined', 'No email', 'No phone', 'Normalized', 'Duplicates'];

function QualityCells(props: { f: QualityFigures }) {
  const f = props.f;
  return (
    <>
      {[
        f.read,
        f.quarantined,
        f.missingEmail,
        f.missingPhone,
        f.invalidNormalized,
        f.duplicatesMerged,
      ].map((n) => (
        <td class="num">{count(n)}</td>
      ))}
    </>
  );
}

/** Data quality per source: one table per connection, a row per import day, the reasons. */
export function QualityTables(props: { report: DataQualityReport }) {
  const r = props.report;
  if (r.sources.length === 0)
    return (
      <p class="panel muted">
        Nothing was imported between {r.from} and {r.to}.
      </p>
    );
  return (
    <>
      {r.sources.map((s) => (
        <section class="panel" aria-label={s.connectionName ?? s.connectionId}>
          <table>
            <caption>
              {s.connectionName ?? 'Deleted connection'}{' '}
              <span class="muted">
                ({s.connectorId ?? '?'}, <code>{s.connectionId}</code>)
              </span>
            </caption>
            <TableHead cols={['Import day']} nums={QUALITY_HEADS} />
            <tbody>
              {s.days.map((d) => (
                <tr>
                  <th scope="row">{d.date}</th>
                  <QualityCells f={d} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <QualityCells f={s.totals} />
              </tr>
            </tfoot>
          </table>
          {s.totals.quarantinedByReason.length > 0 && (
            <table class="reasons">
              <caption>Quarantined by reason</caption>
              <TableHead cols={['Reason']} nums={['Records']} />
              <tbody>
                {s.totals.quarantinedByReason.map((x) => (
                  <tr>
                    <th scope="row">{x.reason}</th>
                    <td class="num">{count(x.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </>
  );
}
