import type { Context } from 'hono';

import type { MappingResult } from '../../mapping/index.ts';
import type { Connection } from '../../store/connections.ts';
import { SAMPLE_DEFAULT_LIMIT, SAMPLE_MAX_LIMIT } from '../../sync/stream-sample.ts';
import { Csrf, ProblemList } from '../layout.tsx';
import { mappingsDir, previewConnectionSample, type MappingInfo } from '../setup-data.ts';
import { page } from './health.tsx';

type Form = Record<string, string | string[]>;
const str = (form: Form, name: string) => String([form[name]].flat()[0] ?? '').trim();

/** What a preview gave: the problem, or the mapped record with its field errors. */
export function PreviewResult({
  outcome,
}: {
  outcome: { result: MappingResult | null; problem: string | null } | null;
}) {
  return (
    <section aria-label="Result">
      {outcome?.problem && (
        <div class="flash bad" role="alert">
          {outcome.problem}
        </div>
      )}
      {outcome?.result && <MappedRecord result={outcome.result} />}
      {!outcome && <p class="muted">The mapped record and every field error show here.</p>}
    </section>
  );
}

/** One mapped record: whether it would be taken, its field errors, the mapped value. */
function MappedRecord({ result }: { result: MappingResult }) {
  return (
    <>
      <div class={`flash ${result.quarantined ? 'bad' : 'ok'}`} role="status">
        {result.quarantined
          ? 'This record would be quarantined.'
          : result.errors.length
            ? 'Maps, with field warnings.'
            : 'Maps with no field errors.'}
      </div>
      {result.errors.length > 0 && <ProblemList problems={result.errors} />}
      <pre class="code">{JSON.stringify(result.value, null, 2)}</pre>
    </>
  );
}

/** A required mapping choice among the connection's mappings (each with its stream and entity). */
export function MappingSelect(p: { id: string; label: string; mappings: MappingInfo[] }) {
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <select id={p.id} name="mapping" required>
        {p.mappings.map((m) => (
          <option value={m.name}>
            {m.name} ({m.stream} → {m.entity})
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The connection page's form that previews a mapping on the first records of the connection
 * (read from the mapping's stream, nothing saved).
 */
export function SamplePanel({
  c,
  conn,
  mappings,
}: {
  c: Context;
  conn: Connection;
  mappings: MappingInfo[];
}) {
  return (
    <form method="post" action={`/ui/setup/connections/${conn.id}/sample`} class="stack panel">
      <Csrf session={c.get('ui')} />
      <MappingSelect id="sample-mapping" label="Mapping to preview" mappings={mappings} />
      <div class="field">
        <label for="sample-limit">Records</label>
        <input
          id="sample-limit"
          name="limit"
          type="number"
          min="1"
          max={String(SAMPLE_MAX_LIMIT)}
          value={String(SAMPLE_DEFAULT_LIMIT)}
          aria-describedby="sample-limit-help"
        />
        <div class="help" id="sample-limit-help">
          The first records of the mapping’s stream, read from {conn.name} now (1 to{' '}
          {SAMPLE_MAX_LIMIT}); nothing is saved.
        </div>
      </div>
      <div class="actions">
        <button class="btn" type="submit">
          Preview on records from {conn.name}
        </button>
      </div>
    </form>
  );
}

/** `POST /ui/setup/connections/:id/sample`: the chosen mapping on the connection's first records. */
export async function samplePage(c: Context, id: string) {
  const tenantId = c.get('ui').tenantId;
  const conn = await c.get('hub').connections.get(tenantId, id);
  const form = c.get('form');
  const name = str(form, 'mapping');
  const asked = Number.parseInt(str(form, 'limit'), 10);
  const limit = Number.isInteger(asked)
    ? Math.min(Math.max(asked, 1), SAMPLE_MAX_LIMIT)
    : SAMPLE_DEFAULT_LIMIT;
  const dir = mappingsDir(c.get('hub').config.MAPPINGS_DIR);
  const { results, problem } = await previewConnectionSample(
    c.get('sync').svc,
    { tenantId, connectionId: conn.id },
    { dir, name },
    limit,
  );
  return page(
    c,
    `Preview on records from ${conn.name}`,
    <>
      <p>
        <a href={`/ui/setup/connections/${conn.id}`}>Back to {conn.name}</a>
      </p>
      {problem && <PreviewResult outcome={{ result: null, problem }} />}
      {!problem && results.length === 0 && (
        <p class="muted">The stream has no records yet: nothing to preview.</p>
      )}
      {results.map((r, i) => (
        <section aria-label={`Record ${i + 1}`} class="panel">
          <h2 class="section">
            Record {i + 1}: <code>{r.recordKey ?? '(no key)'}</code>
          </h2>
          <MappedRecord result={r} />
        </section>
      ))}
    </>,
    { lede: `Mapping ${name}, on the first records ${conn.name} has; nothing was saved.` },
  );
}
