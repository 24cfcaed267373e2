import { Hono, type Context } from 'hono';

import { AppError } from '../../errors/app-error.ts';
import { describeFields } from '../../sdk/describe.ts';
import { testConnection, validateConnectionInput } from '../../sync/connection-runtime.ts';
import { SYNC_MODES } from '../../sync/types.ts';
import { Badge, Csrf } from '../layout.tsx';
import { requireArea } from '../middleware.tsx';
import { readGroup, SchemaFields } from '../schema-form.tsx';
import { listMappings, mappingsDir, previewRecord, sampleText } from '../setup-data.ts';
import { back, page } from './health.tsx';
import { MappingSelect, PreviewResult, samplePage, SamplePanel } from './setup-sample.tsx';

type Form = Record<string, string | string[]>;
const str = (form: Form, name: string) => String([form[name]].flat()[0] ?? '').trim();

/** Field errors of a refused create (`settings.x` → `s.x`), for the form. */
function fieldErrors(err: unknown): Record<string, string> | null {
  if (!(err instanceof AppError) || err.status !== 422) return null;
  const out: Record<string, string> = {};
  for (const d of err.details) {
    const [group, field] = d.path.split('.');
    out[group === 'credentials' ? `c.${field}` : group === 'settings' ? `s.${field}` : d.path] =
      d.message;
  }
  return out;
}

/** The connection form of one connector, generated from its settings and credentials schemas. */
async function connectionForm(
  c: Context,
  connectorId: string,
  form: Form = {},
  errors: Record<string, string> = {},
  status = 200,
) {
  const connector = c.get('sync').svc.registry.get(connectorId);
  const general = Object.entries(errors).filter(
    ([k]) => !k.startsWith('s.') && !k.startsWith('c.'),
  );
  return page(
    c,
    `Add a ${connector.name} connection`,
    <form method="post" action="/ui/setup/connections" class="stack" novalidate>
      <Csrf session={c.get('ui')} />
      <input type="hidden" name="connectorId" value={connector.id} />
      {general.length > 0 && (
        <div class="flash bad" role="alert">
          {general.map(([k, v]) => `${k}: ${v}`).join('; ')}
        </div>
      )}
      <div class={`field${errors.name ? ' has-err' : ''}`}>
        <label for="name">Connection name *</label>
        <input
          id="name"
          name="name"
          type="text"
          required
          value={str(form, 'name')}
          aria-describedby="name-help"
        />
        <div class="help" id="name-help">
          A name people recognize, e.g. “{connector.name} – main store”.
        </div>
      </div>
      <SchemaFields
        group="s"
        legend="Settings"
        fields={describeFields(connector.settings)}
        values={form}
        errors={errors}
      />
      <SchemaFields
        group="c"
        legend="Credentials (stored encrypted, never shown again)"
        fields={describeFields(connector.credentials)}
        values={{}}
        errors={errors}
      />
      <div class="actions">
        <button class="btn" type="submit">
          Save connection
        </button>
        <a href="/ui/setup">Cancel</a>
      </div>
    </form>,
    {
      lede: 'Every field comes from the connector’s own schema; each problem is named next to its field.',
      status,
    },
  );
}

/** Set-up (IT, admin): add and test connections, create syncs, preview mappings. */
export function setupRoutes(): Hono {
  const app = new Hono();
  app.use('/ui/setup', requireArea('setup'));
  app.use('/ui/setup/*', requireArea('setup'));
  app.get('/ui/setup', (c) =>
    page(c, 'Add a connection', <ConnectorCards c={c} />, {
      lede: 'Pick the system to connect.',
    }),
  );
  app.get('/ui/setup/connections/new', (c) => connectionForm(c, c.req.query('connector') ?? ''));
  app.post('/ui/setup/connections', createConnection);
  app.get('/ui/setup/connections/:id', (c) => connectionPage(c, c.req.param('id')));
  app.post('/ui/setup/connections/:id/test', async (c) => {
    const id = c.req.param('id');
    const r = await testConnection(c.get('sync').svc, c.get('ui').tenantId, id);
    return back(
      c,
      `/ui/setup/connections/${id}`,
      r.ok ? { ok: r.message } : { err: `Test failed: ${r.message}` },
    );
  });
  app.post('/ui/setup/connections/:id/sample', (c) => samplePage(c, c.req.param('id')));
  app.post('/ui/setup/syncs', createSync);
  app.get('/ui/setup/preview', (c) => previewPage(c, c.req.query('mapping') ?? '', 'in', null));
  app.post('/ui/setup/preview', (c) => {
    const form = c.get('form');
    return previewPage(
      c,
      str(form, 'mapping'),
      str(form, 'direction') === 'out' ? 'out' : 'in',
      String([form.record].flat()[0] ?? ''),
    );
  });
  return app;
}

/** The connectors to pick from, a card each. */
function ConnectorCards({ c }: { c: Context }) {
  const list = c.get('sync').svc.registry.list();
  return (
    <div class="cards">
      {list.map((x) => (
        <div class="card">
          <div style="font-weight:700">{x.name}</div>
          <div class="l">
            in: {Object.keys(x.streams ?? {}).join(', ') || '—'} · out:{' '}
            {Object.keys(x.sinks ?? {}).join(', ') || '—'}
          </div>
          <p>
            <a
              class="btn small"
              href={`/ui/setup/connections/new?connector=${x.id}`}
              aria-label={`Add a ${x.name} connection`}
            >
              Add
            </a>
          </p>
        </div>
      ))}
    </div>
  );
}

/** Saves a connection from the generated form, or shows the form again with its errors. */
async function createConnection(c: Context) {
  const form = c.get('form');
  const connector = c.get('sync').svc.registry.get(str(form, 'connectorId'));
  const s = readGroup('s', describeFields(connector.settings), form);
  const cr = readGroup('c', describeFields(connector.credentials), form);
  const errors = { ...s.errors, ...cr.errors };
  if (!str(form, 'name')) errors.name = 'a name is required';
  try {
    if (Object.keys(errors).length) throw new AppError(422, 'validation_failed', 'invalid', []);
    validateConnectionInput(connector, s.value, cr.value);
  } catch (err) {
    const found = fieldErrors(err);
    if (!found) throw err;
    return connectionForm(c, connector.id, form, { ...errors, ...found }, 422);
  }
  const created = await c.get('hub').connections.create(c.get('ui').tenantId, {
    connectorId: connector.id,
    name: str(form, 'name'),
    settings: s.value,
    credentials: cr.value as Record<string, string>,
  });
  return back(c, `/ui/setup/connections/${created.id}`, {
    ok: `Saved connection ${created.name}.`,
  });
}

/** A connection: its status, a test button and the form to create a sync on it. */
async function connectionPage(c: Context, id: string) {
  const tenantId = c.get('ui').tenantId;
  const conn = await c.get('hub').connections.get(tenantId, id);
  const zone = (await c.get('hub').settings.get(tenantId)).timeZone;
  const mappings = (await listMappings(mappingsDir(c.get('hub').config.MAPPINGS_DIR))).filter(
    (m) => m.connector === conn.connectorId,
  );
  return page(
    c,
    conn.name,
    <>
      <div class="panel actions">
        <span>
          <code>{conn.id}</code> · {conn.connectorId} · <Badge status={conn.status} />
        </span>
        {conn.statusReason && <span class="reason">{conn.statusReason}</span>}
        <form method="post" action={`/ui/setup/connections/${conn.id}/test`} class="inline">
          <Csrf session={c.get('ui')} />
          <button class="btn secondary" type="submit">
            Test the connection
          </button>
        </form>
      </div>
      <h2 class="section">Preview a mapping on its records</h2>
      <SamplePanel c={c} conn={conn} mappings={mappings} />
      <h2 class="section">Create a sync on it</h2>
      <form method="post" action="/ui/setup/syncs" class="stack panel">
        <Csrf session={c.get('ui')} />
        <input type="hidden" name="connectionId" value={conn.id} />
        <div class="field">
          <label for="sync-name">Sync name *</label>
          <input id="sync-name" name="name" type="text" required value={`${conn.name} sync`} />
        </div>
        <MappingSelect id="sync-mapping" label="Mapping *" mappings={mappings} />
        <div class="field">
          <label for="sync-mode">Mode *</label>
          <select id="sync-mode" name="mode">
            {SYNC_MODES.map((m) => (
              <option value={m}>{m}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="sync-schedule">Schedule (cron)</label>
          <input
            id="sync-schedule"
            name="schedule"
            type="text"
            placeholder="*/15 * * * *"
            aria-describedby="sync-schedule-help"
          />
          <div class="help" id="sync-schedule-help">
            In the store's time zone ({zone}). Leave empty to run only on demand and on webhooks.
          </div>
        </div>
        <div class="actions">
          <button class="btn" type="submit">
            Create sync
          </button>
        </div>
      </form>
    </>,
  );
}

/** Creates a sync from the connection page's form. */
async function createSync(c: Context) {
  const form = c.get('form');
  const connectionId = str(form, 'connectionId');
  const tenantId = c.get('ui').tenantId;
  try {
    const sync = await c.get('sync').create(tenantId, {
      name: str(form, 'name'),
      connectionId,
      mapping: str(form, 'mapping'),
      mode: str(form, 'mode') as 'inbound',
      schedule: str(form, 'schedule') || null,
      // A store's IT means its own clock ("0 2 * * *": 2 a.m. at the store), not UTC.
      timezone: (await c.get('hub').settings.get(tenantId)).timeZone,
    });
    return back(c, `/ui/syncs/${sync.id}`, { ok: `Created sync ${sync.name}.` });
  } catch (err) {
    const found = fieldErrors(err);
    if (!found) throw err;
    const text = Object.entries(found)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
    return back(c, `/ui/setup/connections/${connectionId}`, {
      err: `The sync was not created: ${text}`,
    });
  }
}

/** The preview form (mapping, direction, record prefilled with the sample) and its result. */
async function previewPage(c: Context, name: string, direction: 'in' | 'out', text: string | null) {
  const dir = mappingsDir(c.get('hub').config.MAPPINGS_DIR);
  const mappings = await listMappings(dir);
  const chosen = mappings.find((m) => m.name === name)?.name ?? mappings[0]?.name ?? '';
  const record = text ?? (await sampleText(dir, chosen, direction));
  const outcome = text === null ? null : await previewRecord(dir, chosen, direction, text);
  return page(
    c,
    'Preview a mapping',
    <div class="grid2">
      <form method="post" action="/ui/setup/preview" class="stack">
        <Csrf session={c.get('ui')} />
        <div class="field">
          <label for="pv-mapping">Mapping</label>
          <select
            id="pv-mapping"
            name="mapping"
            hx-get="/ui/setup/preview"
            hx-target="body"
            hx-push-url="true"
          >
            {mappings.map((m) => (
              <option value={m.name} selected={m.name === chosen}>
                {m.name} ({m.connector} {m.stream} → {m.entity})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pv-direction">Direction</label>
          <select id="pv-direction" name="direction">
            <option value="in" selected={direction === 'in'}>
              in: system record → hub
            </option>
            <option value="out" selected={direction === 'out'}>
              out: hub record → system
            </option>
          </select>
        </div>
        <div class="field">
          <label for="pv-record">Record (JSON)</label>
          <textarea id="pv-record" name="record" rows={18} aria-describedby="pv-record-help">
            {record}
          </textarea>
          <div class="help" id="pv-record-help">
            Prefilled with the mapping’s sample from <code>mappings/samples/</code>.
          </div>
        </div>
        <div class="actions">
          <button class="btn" type="submit">
            Preview
          </button>
        </div>
      </form>
      <PreviewResult outcome={outcome} />
    </div>,
    { lede: 'Try a mapping on a record before a sync uses it.' },
  );
}
