import { AppError } from '../errors/app-error.ts';
import { PermanentError } from '../sdk/errors.ts';
import { deleteSync } from './deletion.ts';
import { ingestPage } from './inbound.ts';
import type { QuarantineEntry } from './quarantine.ts';
import type { SyncServices } from './services.ts';
import type { SyncQueue } from './sync-queue.ts';
import { SyncInputSchema, type RunReport, type Sync, type SyncInput } from './types.ts';

/**
 * What people and scripts do with syncs (the API and the CLI call this): create, run now, pause,
 * resume, backfill, and fix or replay what failed.
 */
export class SyncService {
  constructor(
    readonly svc: SyncServices,
    readonly queue: SyncQueue,
  ) {}

  /** Creates a sync after checking its connection, mapping, stream and sink exist and agree. */
  async create(tenantId: string, input: SyncInput): Promise<Sync> {
    const parsed = SyncInputSchema.parse(input);
    const connection = await this.svc.hub.connections
      .get(tenantId, parsed.connectionId)
      .catch(() => {
        throw new AppError(422, 'validation_failed', 'The sync is invalid', [
          { path: 'connectionId', message: 'no such connection' },
        ]);
      });
    const connector = this.svc.registry.get(connection.connectorId);
    const mapping = await this.svc.mappings.get(parsed.mapping, tenantId);
    const problems: { path: string; message: string }[] = [];
    if (mapping.connector !== connector.id) {
      problems.push({
        path: 'mapping',
        message: `mapping "${parsed.mapping}" is for connector "${mapping.connector}", the connection is "${connector.id}"`,
      });
    }
    const stream = parsed.stream ?? mapping.stream;
    const sink = parsed.sink ?? mapping.stream;
    if (parsed.mode !== 'outbound' && !connector.streams?.[stream]) {
      problems.push({
        path: 'stream',
        message: `connector "${connector.id}" cannot read "${stream}"`,
      });
    }
    if (parsed.mode !== 'inbound' && !connector.sinks?.[sink]) {
      problems.push({
        path: 'sink',
        message: `connector "${connector.id}" cannot write "${sink}"`,
      });
    }
    if (parsed.mode !== 'inbound' && !mapping.writesOut) {
      problems.push({
        path: 'mode',
        message: `mapping "${parsed.mapping}" has no out or both fields`,
      });
    }
    if (problems.length)
      throw new AppError(422, 'validation_failed', 'The sync is invalid', problems);
    const sync = await this.svc.syncs.create(tenantId, parsed);
    try {
      await this.queue.schedule(sync);
    } catch (err) {
      // Nothing stored on failure: a sync whose schedule the queue refuses is taken back.
      await this.svc.syncs.remove(tenantId, sync.id);
      throw new AppError(422, 'validation_failed', 'The sync is invalid', [
        { path: 'schedule', message: `the queue refused the schedule: ${(err as Error).message}` },
      ]);
    }
    if (sync.mode !== 'inbound') await this.queue.registerReader(sync, mapping.entity);
    return sync;
  }

  /** Queues a run now; returns the job id. */
  async runNow(tenantId: string, syncId: string): Promise<string> {
    const sync = await this.svc.syncs.get(tenantId, syncId);
    if (sync.status === 'paused')
      throw new AppError(409, 'sync_paused', 'The sync is paused; resume it first');
    return this.queue.runNow(sync, 'manual');
  }

  /** Pauses: the schedule stops and queued runs are skipped. */
  async pause(tenantId: string, syncId: string): Promise<Sync> {
    const sync = await this.svc.syncs.update(tenantId, syncId, { status: 'paused' });
    await this.queue.schedule(sync);
    return sync;
  }

  /** Resumes the schedule. */
  async resume(tenantId: string, syncId: string): Promise<Sync> {
    const sync = await this.svc.syncs.update(tenantId, syncId, { status: 'active' });
    await this.queue.schedule(sync);
    return sync;
  }

  /**
   * Backfill: resets the cursors and runs from the beginning. What a destination already has is
   * not sent again (same content, or a delivered-once record such as a conversion) unless
   * `forceResend` asks to send everything again.
   */
  async backfill(
    tenantId: string,
    syncId: string,
    opts: { forceResend?: boolean } = {},
  ): Promise<string> {
    const sync = await this.svc.syncs.get(tenantId, syncId);
    await this.svc.syncs.resetCursors(tenantId, syncId);
    return this.queue.runNow(sync, 'backfill', opts);
  }

  /** Deletes a sync, what belongs to it alone (`deleteSync`) and its schedule. */
  async remove(tenantId: string, syncId: string): Promise<void> {
    await deleteSync(this.svc, tenantId, syncId);
    await this.queue.unregisterReader({ tenantId, id: syncId });
    await this.queue.unschedule({ tenantId, id: syncId });
  }

  /** The newest runs of a sync. */
  async runs(tenantId: string, syncId: string, limit?: number): Promise<RunReport[]> {
    await this.svc.syncs.get(tenantId, syncId);
    return this.svc.runs.list(tenantId, syncId, limit);
  }

  /**
   * Replays a quarantined record, with the fixed record when given. Inbound: the record goes
   * through the sync's mapping again; accepted, it leaves the quarantine; refused, the entry keeps
   * the new reasons. Outbound: the canonical record is sent again on the next run.
   */
  async replayQuarantined(
    tenantId: string,
    entryId: string,
    fixed?: Record<string, unknown>,
  ): Promise<{ replayed: boolean; entry: QuarantineEntry | null }> {
    const entry = await this.svc.quarantine.get(tenantId, entryId);
    const sync = await this.svc.syncs.get(tenantId, entry.syncId);
    if (entry.direction === 'out') {
      const mapping = await this.svc.mappings.get(sync.mapping, tenantId);
      await this.svc.records.touch(tenantId, mapping.entity, entry.externalKey ?? '', 'replay');
      await this.svc.quarantine.remove(tenantId, entryId);
      await this.queue.runNow(sync, 'replay');
      return { replayed: true, entry: null };
    }
    const connection = await this.svc.hub.connections.get(tenantId, sync.connectionId);
    const mapping = await this.svc.mappings.get(sync.mapping, tenantId);
    const record = fixed ?? entry.record;
    let problems: QuarantineEntry['problems'] = [];
    await ingestPage(
      this.svc,
      {
        sync,
        connector: this.svc.registry.get(connection.connectorId),
        mapping,
        stream: entry.stream,
        twoWay: sync.mode === 'two-way',
      },
      [record],
      { onProblems: (p) => (problems = p) },
    );
    if (problems.length) {
      const again = { ...entry, record, problems, replays: entry.replays + 1 };
      await this.svc.quarantine.put(again);
      return { replayed: false, entry: again };
    }
    await this.svc.quarantine.remove(tenantId, entryId);
    if (sync.mode !== 'inbound') await this.queue.runNow(sync, 'replay');
    return { replayed: true, entry: null };
  }

  /** Replays a dead letter: the canonical record is sent again on a run queued now. */
  async replayDeadLetter(tenantId: string, entryId: string): Promise<void> {
    const entry = await this.svc.deadLetters.get(tenantId, entryId);
    const sync = await this.svc.syncs.get(tenantId, entry.syncId);
    const mapping = await this.svc.mappings.get(sync.mapping, tenantId);
    if (!entry.externalKey) throw new PermanentError('dead letter has no record id');
    await this.svc.records.touch(tenantId, mapping.entity, entry.externalKey, 'replay');
    await this.svc.deadLetters.remove(tenantId, entryId);
    await this.queue.runNow(sync, 'replay');
  }
}
