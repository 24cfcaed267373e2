import { UnrecoverableError } from 'bullmq';

import { AppError } from '../errors/app-error.ts';
import type { Logger } from '../log/logger.ts';
import type { StreamPage } from '../sdk/connector.ts';
import { AuthError, ParkedError, PermanentError, RetryableError } from '../sdk/errors.ts';
import { openConnection, type ConnectionRuntime } from './connection-runtime.ts';
import { ingestPage } from './inbound.ts';
import { tryLock } from './lock.ts';
import { PositionLostError, prepareStep, writeStep } from './outbound.ts';
import { clearPendingCreates, openPendingCreates } from './pending-creates.ts';
import type { SyncServices } from './services.ts';
import { closeStaleRuns } from './stale-runs.ts';
import type { SyncMapping } from './sync-mapping.ts';
import { FROM_SCRATCH } from './sync-store.ts';
import { addNotes, countDuplicates, DUPLICATE_ROWS } from './run-notes.ts';
import type { PageCounts, RunCounts, RunMapping, RunReport, RunTrigger, Sync } from './types.ts';

/**
 * Marks a promise that is awaited later (in order, or not at all once the run has failed) as
 * handled, so that its rejection meanwhile is not an "unhandled" one.
 */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** Adds `b` into `a`, and a page's notes into the run's. */
function addCounts(a: RunCounts, b: PageCounts, run?: RunReport): void {
  for (const k of Object.keys(a) as (keyof RunCounts)[]) a[k] += b[k];
  if (run && b.notes) addNotes((run.notes ??= {}), b.notes);
}

/**
 * Runs one sync once: inbound (read since the cursor, ingest, save the cursor page by page), then
 * outbound (push the change log since its cursor). One run per sync at a time: a run asked for
 * while another runs is coalesced into a follow-up run. Errors are rethrown classified for BullMQ:
 * retryable ones retry the job with backoff; auth and permanent ones do not (no retry storm).
 */
export async function runSync(
  svc: SyncServices,
  tenantId: string,
  syncId: string,
  trigger: RunTrigger,
  opts: {
    /** Who runs it (the job id): a restarted job takes its own lock back. */
    runner?: string;
    signal?: AbortSignal;
    /** Send every record again, whatever destinations already have (a forced backfill). */
    forceResend?: boolean;
    requeue?: () => Promise<void>;
    /** Hears which entities the run's inbound part changed (to wake outbound syncs). */
    onChanges?: (entities: ReadonlySet<string>) => Promise<void>;
  } = {},
): Promise<RunReport | null> {
  const sync = await svc.syncs.get(tenantId, syncId);
  if (sync.status === 'paused') return null;
  const k = svc.hub.keys;
  const token = opts.runner ?? `${process.pid}:${Date.now()}:${Math.random()}`;
  const lock = await tryLock(svc.hub.redis, k.syncLock(tenantId, syncId), token);
  if (!lock) {
    await svc.hub.redis.set(k.syncPending(tenantId, syncId), trigger, 'EX', 3600);
    return null;
  }
  // Holding the lock, no other run of this sync is live: one still `running` was interrupted.
  await closeStaleRuns(svc, tenantId, syncId);
  const run = await svc.runs.start(tenantId, syncId, trigger, token);
  const log = svc.hub.log.child({ tenantId, syncId, runId: run.id });
  try {
    const rt = await openConnection(svc.hub, svc.registry, tenantId, sync.connectionId, {
      signal: opts.signal,
      retry: svc.retry,
    });
    const mapping = await svc.mappings.get(sync.mapping, tenantId);
    run.mapping = mappingUsed(mapping);
    const generation = await openGeneration(svc, sync, run);
    const parts = { svc, sync, rt, mapping, run, generation, forceResend: !!opts.forceResend };
    if (sync.mode !== 'outbound') await pullWaking(parts, opts.onChanges);
    if (sync.mode !== 'inbound') await pushAll(parts);
    // Nothing more to read can also mean Redis came back empty: the run proves it did not.
    await svc.hub.sentinels.checkTenant(tenantId, generation);
    await svc.runs.finish(run, 'succeeded');
    log.info({ counts: run.counts, ms: run.durationMs }, 'sync run succeeded');
    return run;
  } catch (err) {
    throw await finishFailed(svc, run, log, err);
  } finally {
    await lock.release();
    const pending = await svc.hub.redis.getdel(k.syncPending(tenantId, syncId));
    if (pending && opts.requeue) await opts.requeue();
  }
}

/**
 * Records a run that threw: `parked` (a vendor wait too long to sleep through) or `failed` with
 * its report. Returns what to rethrow: auth, permanent and app errors as BullMQ's
 * UnrecoverableError (no retry storm), the rest as they are (retried with backoff).
 */
async function finishFailed(
  svc: SyncServices,
  run: RunReport,
  log: Logger,
  err: unknown,
): Promise<unknown> {
  const message = (err as Error).message;
  if (err instanceof ParkedError) {
    run.parkedUntil = new Date(err.untilMs).toISOString();
    await svc.runs.finish(run, 'parked', message);
    log.warn({ until: run.parkedUntil, counts: run.counts }, 'sync run parked');
    return err;
  }
  const report = failureOf(err);
  await svc.runs.finish(run, 'failed', report);
  log.warn({ err: report, counts: run.counts }, 'sync run failed');
  if (err instanceof AuthError || err instanceof PermanentError || err instanceof AppError)
    return new UnrecoverableError(message);
  return err;
}

/**
 * The inbound half, waking the outbound syncs of what it changes while a long run is still
 * reading (at most once per WAKE_EVERY_MS), so they stream the changes out behind it; and once
 * more at the end.
 */
async function pullWaking(
  parts: RunParts,
  onChanges: ((entities: ReadonlySet<string>) => Promise<void>) | undefined,
): Promise<void> {
  const { run, mapping } = parts;
  const entities = new Set([mapping.entity]);
  let lastWake = -Infinity;
  const wake = async (final: boolean) => {
    if (!onChanges || run.counts.created + run.counts.updated === 0) return;
    if (!final && performance.now() - lastWake < WAKE_EVERY_MS) return;
    lastWake = performance.now();
    await onChanges(entities);
  };
  await pullAll(parts, () => wake(false));
  await wake(true);
}

/** How a failed run's report begins when the vendor stayed unavailable past every retry. */
export const VENDOR_UNAVAILABLE = 'vendor unavailable';

/**
 * A failed run's message. A vendor that stayed unavailable (5xx, 429, timeouts, resets) past
 * every retry says nothing about the records: nothing was quarantined or dead-lettered for it,
 * the cursors stand at the last page committed, and the job is retried later, resuming there.
 */
function failureOf(err: unknown): string {
  const message = (err as Error).message;
  if (!(err instanceof RetryableError)) return message;
  return `${VENDOR_UNAVAILABLE} after every retry (${message}): nothing was skipped, the next run resumes from the saved cursor`;
}

/** What a run report says of its mapping. */
function mappingUsed(m: SyncMapping): RunMapping {
  const version = m.origin?.source === 'tenant' ? { version: m.origin.version } : {};
  return { name: m.name, source: m.origin?.source ?? 'shipped', ...version, hash: m.hash };
}

/** What the two halves of a run work with. */
interface RunParts {
  svc: SyncServices;
  sync: Sync;
  rt: ConnectionRuntime;
  mapping: SyncMapping;
  run: RunReport;
  /** The tenant sentinel's generation: cursors are saved only while it holds. */
  generation: string;
  forceResend: boolean;
}

/**
 * The tenant's data generation for a run. Cursors saved under another generation (or any, when
 * the sentinel had to be written anew) were saved before Redis lost the tenant's data: they are
 * reset so this run reads the stream and walks the records again, and the run says so.
 */
async function openGeneration(svc: SyncServices, sync: Sync, run: RunReport): Promise<string> {
  const { generation, created } = await svc.hub.sentinels.tenant(sync.tenantId);
  const cursors = await svc.syncs.cursors(sync.tenantId, sync.id);
  const fresh = cursors.inbound === null && cursors.outbound === FROM_SCRATCH;
  const stale = cursors.generation ? cursors.generation !== generation : created;
  if (stale && !fresh) {
    await svc.syncs.resetCursors(sync.tenantId, sync.id);
    const message =
      "Redis lost this tenant's data since this sync last saved its cursors (the tenant's sentinel was gone or changed): the cursors were reset, so this run reads and walks everything again";
    run.errors.push(message);
    svc.hub.log.warn({ tenantId: sync.tenantId, syncId: sync.id }, message);
  }
  return generation;
}

/** How often a running inbound run wakes the outbound syncs of what it changes. */
const WAKE_EVERY_MS = 1_000;

/** Pages of one inbound run being ingested at once (their Redis round trips overlap). */
const PAGES_IN_FLIGHT = 2;

/** A page being ingested. */
interface InFlightPage {
  done: Promise<PageCounts>;
  /** The cursor after this page: saved once it and every page before it are committed. */
  cursor: string | null;
  keys: Set<string>;
}

/**
 * Inbound half: reads the stream page by page since the cursor and ingests each page. The next
 * page is fetched while one is ingested, and up to PAGES_IN_FLIGHT pages are ingested at once,
 * except that a page sharing a record key with one in flight waits for it (so one record's changes
 * are merged in stream order). Cursors are saved strictly in page order.
 */
async function pullAll(
  { svc, sync, rt, mapping, run, generation }: RunParts,
  onPage: () => Promise<void>,
) {
  const stream = sync.stream ?? mapping.stream;
  const def = rt.connector.streams?.[stream];
  if (!def) throw new PermanentError(`connector ${rt.connector.id} has no stream "${stream}"`);
  const scope = { sync, connector: rt.connector, mapping, stream, twoWay: sync.mode === 'two-way' };
  let cursor = (await svc.syncs.cursors(sync.tenantId, sync.id)).inbound;
  const read = (from: string | null) => quiet(rt.call(() => def.read(rt.ctx, from)));
  const inFlight: InFlightPage[] = [];
  // Record keys read so far in this run, to count rows read twice (`duplicateRows`).
  const seen = new Set<number>();
  const finishOldest = async () => {
    const page = inFlight[0]!;
    addCounts(run.counts, await page.done, run);
    inFlight.shift();
    run.batches++;
    // Sent together (one round trip); the report is progress only, the cursor is what counts.
    await Promise.all([
      svc.syncs.saveInboundCursor(sync.tenantId, sync.id, page.cursor, generation),
      svc.runs.save(run),
    ]);
    await onPage();
  };
  try {
    let next = read(cursor);
    for (;;) {
      const page = await next;
      if (page.hasMore && page.nextCursor === cursor) {
        throw new PermanentError(
          `stream "${stream}" returned more pages without moving its cursor`,
        );
      }
      if (page.hasMore) next = read(page.nextCursor);
      const keys = notePage(run, mapping, page, seen);
      while (
        inFlight.length >= PAGES_IN_FLIGHT ||
        inFlight.some((p) => [...keys].some((k) => p.keys.has(k)))
      ) {
        await finishOldest();
      }
      cursor = page.nextCursor ?? cursor;
      inFlight.push({ done: quiet(ingestPage(svc, scope, page.records)), cursor, keys });
      if (!page.hasMore) break;
    }
    while (inFlight.length) await finishOldest();
  } catch (err) {
    await drainAfterFailure(inFlight, finishOldest, run);
    throw err;
  }
}

/**
 * A page's record keys (to hold back a later page that shares one), and its notes into the
 * run's: the page's own, and rows whose key this run read before (`duplicateRows`).
 */
function notePage(
  run: RunReport,
  mapping: SyncMapping,
  page: Pick<StreamPage, 'records' | 'notes'>,
  seen: Set<number>,
): Set<string> {
  const pageKeys = page.records.map((r) => mapping.recordKey(r) ?? null);
  const keys = new Set<string>();
  for (const key of pageKeys) if (key) keys.add(key);
  const dup = countDuplicates(pageKeys, seen);
  if (dup) addNotes((run.notes ??= {}), { [DUPLICATE_ROWS]: dup });
  if (page.notes) addNotes((run.notes ??= {}), page.notes);
  return keys;
}

/**
 * When an inbound run fails, the pages already in flight still commit: their cursors are saved
 * in order up to the first that failed; what later ones committed is counted, their cursors not
 * saved (the next run reads them again and they merge as no-ops).
 */
async function drainAfterFailure(
  inFlight: InFlightPage[],
  finishOldest: () => Promise<void>,
  run: RunReport,
): Promise<void> {
  let saving = true;
  while (inFlight.length) {
    if (saving) {
      try {
        await finishOldest();
        continue;
      } catch {
        saving = false; // that page may have left the queue already: look again
        continue;
      }
    }
    const [settled] = await Promise.allSettled([inFlight.shift()!.done]);
    if (settled!.status === 'fulfilled') addCounts(run.counts, settled!.value, run);
  }
}

/**
 * Outbound half: pushes the change log since the sync's cursor, step by step. The next step is
 * read and mapped while one is written; if it covers a record this one wrote, it is read again
 * after the write (that record's hash and destination id may have just changed).
 */
async function pushAll(parts: RunParts) {
  const { svc, sync, generation } = parts;
  try {
    await pushSteps(parts);
  } catch (err) {
    // The changes after the position are gone: the next run walks every record again (the
    // destination's hashes skip what it already has).
    if (err instanceof PositionLostError) {
      await svc.syncs.saveOutboundCursor(sync.tenantId, sync.id, FROM_SCRATCH, generation);
      svc.hub.log.warn({ tenantId: sync.tenantId, syncId: sync.id }, err.message);
    }
    throw err;
  }
}

/** The steps of the outbound half, from the sync's cursor to the end of the change log. */
async function pushSteps({ svc, sync, rt, mapping, run, generation, forceResend }: RunParts) {
  const sinkName = sync.sink ?? mapping.stream;
  const sink = rt.connector.sinks?.[sinkName];
  if (!sink) throw new PermanentError(`connector ${rt.connector.id} has no sink "${sinkName}"`);
  const pending = await openPendingCreates(svc, sync, sinkName);
  const scope = { sync, mapping, sinkName, sink: sink as never, rt, forceResend, pending };
  const prepare = (from: string) => quiet(prepareStep(svc, scope, from));
  const start = (await svc.syncs.cursors(sync.tenantId, sync.id)).outbound;
  let next = prepare(start);
  for (;;) {
    const step = await next;
    if (step.cursor === null) return clearPendingCreates(svc.hub.redis, pending);
    const after = step.cursor;
    const following = prepare(after);
    addCounts(run.counts, await writeStep(svc, scope, step), run);
    next = quiet(
      following.then((n) =>
        [...n.ids].some((id) => step.ids.has(id)) ? prepareStep(svc, scope, after) : n,
      ),
    );
    run.batches++;
    await Promise.all([
      svc.syncs.saveOutboundCursor(sync.tenantId, sync.id, after, generation),
      svc.runs.save(run),
    ]);
  }
}

/** Ingests records a webhook delivered (archived under `archiveKey`) through a sync's mapping. */
export async function ingestArchived(
  svc: SyncServices,
  tenantId: string,
  syncId: string,
  archiveKey: string,
) {
  const sync = await svc.syncs.get(tenantId, syncId);
  const connection = await svc.hub.connections.get(tenantId, sync.connectionId);
  const mapping = await svc.mappings.get(sync.mapping, tenantId);
  const records: Record<string, unknown>[] = [];
  for await (const r of svc.hub.archive.read(archiveKey))
    records.push(r as Record<string, unknown>);
  const scope = {
    sync,
    connector: svc.registry.get(connection.connectorId),
    mapping,
    stream: sync.stream ?? mapping.stream,
    twoWay: sync.mode === 'two-way',
  };
  const run = await svc.runs.start(tenantId, syncId, 'webhook');
  run.mapping = mappingUsed(mapping);
  try {
    const counts = await ingestPage(svc, scope, records, { archived: { key: archiveKey } });
    addCounts(run.counts, counts, run);
    run.batches = 1;
    await svc.runs.finish(run, 'succeeded');
    return { counts, entity: mapping.entity };
  } catch (err) {
    await svc.runs.finish(run, 'failed', (err as Error).message);
    throw err;
  }
}
