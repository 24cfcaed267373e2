import type { Command } from 'commander';

import { runSync } from '../sync/run-sync.ts';
import { mappingLabel, SYNC_MODES, type SyncMode } from '../sync/types.ts';
import { emit, table } from './output.ts';
import { describeRun, followRun } from './progress.ts';
import type { Engine } from '../runtime/engine.ts';
import { withEngine } from './with-hub.ts';

const rows = (x: unknown) => x as Record<string, unknown>[];

interface RunOpts {
  tenant: string;
  wait?: boolean;
  inline?: boolean;
  json?: boolean;
  /** Backfill only: send everything again, also what destinations already have. */
  forceResend?: boolean;
}

/**
 * Runs a sync in this process while a follower prints its progress. The follower polls Redis, so
 * it is stopped and awaited before the engine closes (else its next poll meets a closed
 * connection and the process dies on "Connection is closed"). A failed run answers with its own
 * report (recorded by the run); an error before any run started is thrown as it is.
 */
async function runInline(e: Engine, o: RunOpts, id: string, since: number, backfill: boolean) {
  const stop = new AbortController();
  const follow = followRun(e.service, o.tenant, id, since, {
    quiet: !!o.json,
    signal: stop.signal,
  });
  const settled = async () => {
    stop.abort();
    return follow.catch(() => null);
  };
  try {
    const run = await runSync(e.service.svc, o.tenant, id, backfill ? 'backfill' : 'manual', {
      forceResend: backfill && !!o.forceResend,
    });
    await settled();
    return run;
  } catch (err) {
    await settled();
    const failed = (await e.service.runs(o.tenant, id, 5)).find(
      (r) => Date.parse(r.startedAt) >= since - 1000 && r.status === 'failed',
    );
    if (failed) return failed;
    throw err;
  }
}

/** Runs a sync now: queued for a worker (optionally waiting with progress), or in this process. */
async function runCommand(id: string, o: RunOpts, backfill: boolean): Promise<void> {
  const report = await withEngine(async (e) => {
    const since = Date.now();
    if (o.inline) {
      if (backfill) await e.service.svc.syncs.resetCursors(o.tenant, id);
      return runInline(e, o, id, since, backfill);
    }
    const jobId = backfill
      ? await e.service.backfill(o.tenant, id, { forceResend: !!o.forceResend })
      : await e.service.runNow(o.tenant, id);
    if (!o.wait) return { jobId };
    return followRun(e.service, o.tenant, id, since, { quiet: !!o.json });
  });
  emit(!!o.json, report, () =>
    report === null
      ? 'another run of this sync is in progress; this one was folded into it'
      : 'jobId' in report
        ? `queued (job ${report.jobId})`
        : describeRun(report),
  );
  if (report && 'status' in report && report.status === 'failed') process.exitCode = 1;
}

/** `sync create|list|run|backfill|pause|resume|runs|delete` and `run show`. */
export function registerSyncCommands(program: Command): void {
  const sync = program
    .command('sync')
    .description('Manage syncs: connection + mapping + mode + schedule');
  addCreate(sync);
  addList(sync);
  addRunAndBackfill(sync);
  addPauseResume(sync);
  addHistory(sync);
  addRunShow(program);
}

/** `sync create`. */
function addCreate(sync: Command): void {
  sync
    .command('create')
    .description('Create a sync')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--connection <id>', 'connection id')
    .requiredOption('--mapping <name>', 'mapping file name without .yaml')
    .requiredOption('--mode <mode>', SYNC_MODES.join(', '))
    .option('--name <name>', 'a name people recognize')
    .option('--schedule <cron>', 'cron pattern, e.g. "*/15 * * * *"')
    .option('--timezone <tz>', 'time zone of the schedule', 'UTC')
    .option('--stream <name>', "stream to read; default the mapping's")
    .option('--sink <name>', "sink to write; default the mapping's")
    .option('--json', 'output JSON')
    .action(
      async (o: {
        tenant: string;
        connection: string;
        mapping: string;
        mode: string;
        name?: string;
        schedule?: string;
        timezone: string;
        stream?: string;
        sink?: string;
        json?: boolean;
      }) => {
        const s = await withEngine((e) =>
          e.service.create(o.tenant, {
            name: o.name ?? o.mapping,
            connectionId: o.connection,
            mapping: o.mapping,
            mode: o.mode as SyncMode,
            schedule: o.schedule ?? null,
            timezone: o.timezone,
            ...(o.stream ? { stream: o.stream } : {}),
            ...(o.sink ? { sink: o.sink } : {}),
          }),
        );
        emit(!!o.json, s, () => `created sync ${s.id} (${s.mode}, ${s.schedule ?? 'on demand'})`);
      },
    );
}

/** `sync list`. */
function addList(sync: Command): void {
  sync
    .command('list')
    .description("List a tenant's syncs")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'output JSON')
    .action(async (o: { tenant: string; json?: boolean }) => {
      const all = await withEngine((e) => e.service.svc.syncs.list(o.tenant));
      emit(!!o.json, all, () =>
        table(rows(all), ['id', 'name', 'mode', 'mapping', 'schedule', 'status']),
      );
    });
}

/** `sync run` and `sync backfill`. */
function addRunAndBackfill(sync: Command): void {
  for (const [name, backfill, what] of [
    ['run', false, 'Run now'],
    ['backfill', true, 'Reset the cursors and run from the beginning'],
  ] as const) {
    const cmd = sync
      .command(`${name} <syncId>`)
      .description(what)
      .requiredOption('--tenant <id>', 'tenant id')
      .option('--wait', 'wait for the run, showing progress')
      .option('--inline', 'run in this process instead of queueing for a worker (shows progress)')
      .option('--json', 'output JSON');
    if (backfill)
      cmd.option(
        '--force-resend',
        'send every record again, also what the destination already has (a delivered conversion included)',
      );
    cmd.action((id: string, o: RunOpts) => runCommand(id, o, backfill));
  }
}

/** `sync pause` and `sync resume`. */
function addPauseResume(sync: Command): void {
  for (const action of ['pause', 'resume'] as const) {
    sync
      .command(`${action} <syncId>`)
      .description(action === 'pause' ? 'Pause: the schedule stops' : 'Resume the schedule')
      .requiredOption('--tenant <id>', 'tenant id')
      .action(async (id: string, o: { tenant: string }) => {
        const s = await withEngine((e) => e.service[action](o.tenant, id));
        emit(false, s, () => `sync ${s.id} is ${s.status}`);
      });
  }
}

/** `sync runs` and `sync delete`. */
function addHistory(sync: Command): void {
  sync
    .command('runs <syncId>')
    .description('Run history, newest first')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--limit <n>', 'how many', (v) => Number(v), 20)
    .option('--json', 'output JSON')
    .action(async (id: string, o: { tenant: string; limit: number; json?: boolean }) => {
      const runs = await withEngine((e) => e.service.runs(o.tenant, id, o.limit));
      const flat = runs.map((r) => ({ ...r, ...r.counts, mapping: mappingLabel(r.mapping) }));
      emit(!!o.json, runs, () =>
        table(rows(flat), [
          'id',
          'status',
          'trigger',
          'startedAt',
          'durationMs',
          'read',
          'created',
          'updated',
          'written',
          'quarantined',
          'failed',
          'mapping',
        ]),
      );
    });
  sync
    .command('delete <syncId>')
    .description('Delete a sync and its schedule')
    .requiredOption('--tenant <id>', 'tenant id')
    .action(async (id: string, o: { tenant: string }) => {
      await withEngine((e) => e.service.remove(o.tenant, id));
      emit(false, null, () => `deleted sync ${id}`);
    });
}

/** `run <runId>`. */
function addRunShow(program: Command): void {
  program
    .command('run <runId>')
    .description('One run: counts, timing, errors')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'output JSON')
    .action(async (id: string, o: { tenant: string; json?: boolean }) => {
      const r = await withEngine((e) => e.service.svc.runs.get(o.tenant, id));
      emit(!!o.json, r, () => [describeRun(r), ...r.errors.map((x) => `  error: ${x}`)].join('\n'));
    });
}
