import { Hono, type Context } from 'hono';

import { outboundLagSeconds } from '../../sync/lag.ts';
import { requireArea } from '../middleware.tsx';
import { Badge, Csrf, Page, TableHead } from '../layout.tsx';
import { scheduleText } from '../format.ts';
import { EntriesTable, EntryDetail, type EntryKind } from '../pages/entries.tsx';
import { ConnectionsTable, RunDetail, SyncsTable, when, type SyncRow } from '../pages/health.tsx';
import { unflatten } from '../record-form.ts';

/** Renders a signed-in page of this request (tenant or group name, path, flash from `?ok=`/`?err=`). */
export async function page(
  c: Context,
  title: string,
  body: unknown,
  opts: { lede?: string; status?: number; scripts?: readonly string[] } = {},
) {
  const s = c.get('ui');
  const hub = c.get('hub');
  const owner = s.groupId ? await hub.groups.get(s.groupId) : await hub.tenants.get(s.tenantId);
  const ok = c.req.query('ok');
  const err = c.req.query('err');
  const flash = ok ? { ok: true, text: ok } : err ? { ok: false, text: err } : null;
  return c.html(
    <Page
      title={title}
      session={s}
      tenantName={owner.name}
      path={c.req.path}
      lede={opts.lede}
      flash={flash}
      scripts={opts.scripts}
    >
      {body as never}
    </Page>,
    (opts.status ?? 200) as 200,
  );
}

/** Redirect after a POST, with a message shown on the next page. */
export const back = (c: Context, to: string, msg: { ok?: string; err?: string }) =>
  c.redirect(`${to}?${new URLSearchParams(msg as Record<string, string>)}`, 303);

/** Every sync of the tenant with its newest run and lag. */
async function syncRows(c: Context): Promise<SyncRow[]> {
  const { svc } = c.get('sync');
  const tenantId = c.get('ui').tenantId;
  const names = new Map((await c.get('hub').connections.list(tenantId)).map((x) => [x.id, x.name]));
  const syncs = await svc.syncs.list(tenantId);
  return Promise.all(
    syncs.map(async (sync) => ({
      sync,
      connectionName: names.get(sync.connectionId) ?? sync.connectionId,
      last: (await svc.runs.list(tenantId, sync.id, 1))[0] ?? null,
      lagSeconds: sync.mode === 'inbound' ? null : await outboundLagSeconds(svc, tenantId, sync.id),
    })),
  );
}

/** Sync health: connections, syncs, runs, quarantine and dead letters (IT and admin). */
export function healthRoutes(): Hono {
  const app = new Hono();
  for (const p of [
    '/ui/health',
    '/ui/syncs/*',
    '/ui/runs/*',
    '/ui/quarantine',
    '/ui/quarantine/*',
    '/ui/dead-letters',
    '/ui/dead-letters/*',
  ])
    app.use(p, requireArea('health'));
  app.get('/ui/health', async (c) => {
    const connections = await c.get('hub').connections.list(c.get('ui').tenantId);
    const rows = await syncRows(c);
    return page(
      c,
      'Connections & syncs',
      <>
        <ConnectionsTable connections={connections} />
        <div style="height:24px" />
        <SyncsTable rows={rows} timeZone={await zoneOf(c)} />
      </>,
      { lede: 'What is connected, how each sync last ran, and how far outbound syncs are behind.' },
    );
  });
  app.get('/ui/syncs/:id', (c) => syncPage(c, c.req.param('id')));
  app.post('/ui/syncs/:id/run', async (c) => {
    const id = c.req.param('id');
    await c.get('sync').runNow(c.get('ui').tenantId, id);
    return back(c, `/ui/syncs/${id}`, { ok: 'Run queued; a worker picks it up.' });
  });
  app.get('/ui/runs/:id', async (c) => {
    const { svc } = c.get('sync');
    const tenantId = c.get('ui').tenantId;
    const run = await svc.runs.get(tenantId, c.req.param('id'));
    const sync = await svc.syncs.get(tenantId, run.syncId);
    return page(c, `Run ${run.id}`, <RunDetail run={run} sync={sync} timeZone={await zoneOf(c)} />);
  });
  entryRoutes(app, 'quarantine');
  entryRoutes(app, 'dead-letters');
  return app;
}

/** The store's time zone, in which the pages show times. */
const zoneOf = async (c: Context) =>
  (await c.get('hub').settings.get(c.get('ui').tenantId)).timeZone;

/** One sync: what it is, a run button, and its recent runs. */
async function syncPage(c: Context, id: string) {
  const timeZone = await zoneOf(c);
  const { svc } = c.get('sync');
  const tenantId = c.get('ui').tenantId;
  const sync = await svc.syncs.get(tenantId, id);
  const runs = await svc.runs.list(tenantId, sync.id, 25);
  return page(
    c,
    sync.name,
    <>
      <form method="post" action={`/ui/syncs/${sync.id}/run`} class="actions panel">
        <Csrf session={c.get('ui')} />
        <span>
          {sync.mode} · mapping <code>{sync.mapping}</code> ·{' '}
          {sync.schedule ? (
            <>
              {scheduleText(sync.schedule, sync.timezone)} <code>{sync.schedule}</code>
            </>
          ) : (
            'on demand'
          )}{' '}
          · <Badge status={sync.status} />
        </span>
        <button class="btn" type="submit">
          Run now
        </button>
      </form>
      <table>
        <caption>Runs</caption>
        <TableHead
          cols={['Started', 'Trigger', 'Status']}
          nums={['Read', 'Created', 'Updated', 'Written', 'Quarantined']}
        />
        <tbody>
          {runs.map((r) => (
            <tr>
              <th scope="row">
                <a href={`/ui/runs/${r.id}`}>{when(r.startedAt, timeZone)}</a>
              </th>
              <td>{r.trigger}</td>
              <td>
                <Badge status={r.status} />
              </td>
              <td class="num">{r.counts.read}</td>
              <td class="num">{r.counts.created}</td>
              <td class="num">{r.counts.updated}</td>
              <td class="num">{r.counts.written}</td>
              <td class="num">{r.counts.quarantined}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>,
    { lede: `Sync ${sync.id}` },
  );
}

/** List, detail, replay and discard of one kind of entry. */
function entryRoutes(app: Hono, kind: EntryKind) {
  const store = (c: Context) =>
    c.get('sync').svc[kind === 'quarantine' ? 'quarantine' : 'deadLetters'];
  const title = kind === 'quarantine' ? 'Quarantine' : 'Dead letters';
  app.get(`/ui/${kind}`, async (c) => {
    const tenantId = c.get('ui').tenantId;
    const entries = await store(c).list(tenantId);
    const names = new Map(
      (await c.get('sync').svc.syncs.list(tenantId)).map((s) => [s.id, s.name]),
    );
    const lede =
      kind === 'quarantine'
        ? 'Records the hub refused, with the reasons. Open one to fix it and replay it, or discard it.'
        : 'Outbound records that kept failing after every retry. Replay sends them again.';
    const timeZone = await zoneOf(c);
    return page(
      c,
      title,
      <EntriesTable kind={kind} entries={entries} syncNames={names} timeZone={timeZone} />,
      {
        lede,
      },
    );
  });
  app.get(`/ui/${kind}/:id`, async (c) => {
    const entry = await store(c).get(c.get('ui').tenantId, c.req.param('id'));
    return page(
      c,
      `${kind === 'quarantine' ? 'Quarantined' : 'Dead letter'}: ${entry.externalKey ?? entry.id}`,
      <EntryDetail kind={kind} entry={entry} session={c.get('ui')} timeZone={await zoneOf(c)} />,
    );
  });
  app.post(`/ui/${kind}/:id/replay`, async (c) => {
    const tenantId = c.get('ui').tenantId;
    const id = c.req.param('id');
    if (kind === 'dead-letters') {
      await c.get('sync').replayDeadLetter(tenantId, id);
      return back(c, `/ui/${kind}`, { ok: `Replayed ${id}: it is sent on the run queued now.` });
    }
    const entry = await store(c).get(tenantId, id);
    const fixed = entry.direction === 'in' ? unflatten(c.get('form')) : undefined;
    const r = await c.get('sync').replayQuarantined(tenantId, id, fixed);
    if (r.replayed)
      return back(c, `/ui/${kind}`, {
        ok: `Replayed ${entry.externalKey ?? id}: the record went through.`,
      });
    const why = r.entry?.problems.map((p) => `${p.field}: ${p.reason}`).join('; ') ?? '';
    return back(c, `/ui/${kind}/${id}`, { err: `Still refused: ${why}` });
  });
  app.post(`/ui/${kind}/:id/discard`, async (c) => {
    const id = c.req.param('id');
    await store(c).remove(c.get('ui').tenantId, id);
    return back(c, `/ui/${kind}`, { ok: `Discarded ${id}.` });
  });
}
