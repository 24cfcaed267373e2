import { DelayedError, type Job, type Queue } from 'bullmq';

import { createHash } from 'node:crypto';

import { entityNames } from '../canonical/index.ts';
import { FeedRegistry } from '../feed/registry.ts';
import { openQueue } from '../queue/queues.ts';
import { ParkedError } from '../sdk/errors.ts';
import type { QueueProcessor } from '../worker/pool.ts';
import { fetchByIds } from './fetch-by-id.ts';
import { ingestArchived, runSync } from './run-sync.ts';
import { sweepStaleRuns } from './stale-runs.ts';
import type { SyncServices } from './services.ts';
import type { RunTrigger, Sync } from './types.ts';

/** The queue every sync run goes through. */
export const SYNC_QUEUE = 'sync-runs';

/** Debounce of a derived reader's pass after the changes that woke it. */
export const DERIVE_DEBOUNCE_MS = 1_000;
/**
 * Longest a "pass queued" mark lives: a mark whose job was lost (a crash between the mark and the
 * add) stops holding wakes back after this.
 */
const DERIVE_QUEUED_TTL_MS = 60_000;

/**
 * A change-feed reader other than a sync that the queue runs as jobs of its own name (the closed
 * loop's derivations): woken by changes of its entities, debounced like a webhook hint.
 */
export interface DerivedReader {
  /** Job name on the sync queue. */
  name: string;
  /** Entities whose changes wake it. */
  entities: ReadonlySet<string>;
  /**
   * One pass for a tenant. Returns the entities it changed (their readers are woken in turn),
   * whether it must go again, and a report kept as the job's result. `jobId` is the pass's job
   * (the same after a dead worker's job is taken back), for the reader's lock.
   */
  run(
    tenantId: string,
    signal?: AbortSignal,
    jobId?: string,
  ): Promise<{ changed: ReadonlySet<string>; again: boolean; report?: unknown }>;
}

/** Job data: ids only (webhook records are read from the archive object named here). */
export interface SyncJobData {
  tenantId: string;
  /** The sync of the run ('' for a derived reader's pass, which is per tenant). */
  syncId: string;
  trigger: RunTrigger;
  archiveKey?: string;
  /** Ids a webhook announced, read with the stream's `readByIds` (job `fetch`). */
  ids?: string[];
  /** A backfill that sends everything again, also what destinations already have. */
  forceResend?: boolean;
}

/** Enqueues, schedules and processes sync runs. */
export class SyncQueue {
  readonly queue: Queue<SyncJobData>;
  private readonly readers: FeedRegistry;
  private readonly derived = new Map<string, DerivedReader>();

  constructor(
    private readonly svc: SyncServices,
    name = SYNC_QUEUE,
  ) {
    this.queue = openQueue(name, svc.hub.redis, svc.hub.keys) as Queue<SyncJobData>;
    this.readers = new FeedRegistry(svc.hub.redis, svc.hub.keys);
  }

  /** Adds a derived reader: changes of its entities queue a pass of it (see `notifyOutbound`). */
  addDerived(reader: DerivedReader): void {
    this.derived.set(reader.name, reader);
  }

  /**
   * Queues a debounced pass of a derived reader for a tenant: one waits at a time per tenant
   * (a mark set with NX says one is queued), however many changes come meanwhile; the mark is
   * cleared when the pass starts, so changes during a pass queue the next one.
   */
  async wakeDerived(name: string, tenantId: string): Promise<void> {
    const mark = this.svc.hub.keys.derivedQueued(tenantId, name);
    if (!(await this.svc.hub.redis.set(mark, '1', 'PX', DERIVE_QUEUED_TTL_MS, 'NX'))) return;
    await this.queue
      .add(
        name,
        { tenantId, syncId: '', trigger: 'webhook' },
        { jobId: `${name}-${tenantId}-${Date.now()}`, delay: DERIVE_DEBOUNCE_MS },
      )
      .catch(async (err: unknown) => {
        await this.svc.hub.redis.del(mark); // no job holds the mark: the next wake queues one
        throw err;
      });
  }

  /** Asks for a run now. */
  async runNow(
    sync: Pick<Sync, 'tenantId' | 'id'>,
    trigger: RunTrigger = 'manual',
    opts: { forceResend?: boolean } = {},
  ): Promise<string> {
    const job = await this.queue.add('run', {
      tenantId: sync.tenantId,
      syncId: sync.id,
      trigger,
      ...(opts.forceResend ? { forceResend: true } : {}),
    });
    return job.id!;
  }

  /**
   * A webhook said something changed: one run per debounce window, however many deliveries arrive
   * (the job id is the window, so BullMQ drops the duplicates).
   */
  async hint(sync: Pick<Sync, 'tenantId' | 'id' | 'debounceMs'>): Promise<void> {
    const window = sync.debounceMs > 0 ? Math.floor(Date.now() / sync.debounceMs) : Date.now();
    await this.queue.add(
      'run',
      { tenantId: sync.tenantId, syncId: sync.id, trigger: 'webhook' },
      { jobId: `hook-${sync.tenantId}-${sync.id}-${window}`, delay: sync.debounceMs },
    );
  }

  /** Ingests webhook records that were archived under `archiveKey`, through the sync's mapping. */
  async ingestArchived(sync: Pick<Sync, 'tenantId' | 'id'>, archiveKey: string): Promise<void> {
    await this.queue.add('webhook', {
      tenantId: sync.tenantId,
      syncId: sync.id,
      trigger: 'webhook',
      archiveKey,
    });
  }

  /**
   * A webhook announced these records by id: one job reads and ingests them at once. Deliveries of
   * the same ids are deduplicated (BullMQ deduplication on the ids' hash) only while a fetch of
   * them waits or retries; one that comes while it runs queues one more after it (at most one
   * running and one waiting). Once it has finished, succeeded or failed all its attempts, a
   * redelivery queues a new fetch: a kept failed job never blocks the ids (the job id is not the
   * hash). Ingest is idempotent, so a second read stores nothing twice.
   */
  async fetchByIds(sync: Pick<Sync, 'tenantId' | 'id'>, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const digest = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 32);
    await this.queue.add(
      'fetch',
      { tenantId: sync.tenantId, syncId: sync.id, trigger: 'webhook', ids },
      {
        deduplication: {
          id: `fetch-${sync.tenantId}-${sync.id}-${digest}`,
          keepLastIfActive: true,
        },
      },
    );
  }

  /**
   * After changes to `entities`: a debounced run of every active sync that writes them out, found
   * in the feed's registry of readers by entity (only readers of those entities), and a debounced
   * pass of every derived reader of them.
   */
  async notifyOutbound(tenantId: string, entities: ReadonlySet<string>): Promise<void> {
    if (entities.size === 0) return;
    // Attribution reads the same feed: its catch-up is woken by any inbound change.
    await this.svc.hub.attributionJobs.wake(tenantId);
    for (const d of this.derived.values())
      if ([...entities].some((e) => d.entities.has(e))) await this.wakeDerived(d.name, tenantId);
    await this.registerEarlierSyncs(tenantId);
    for (const entity of entities) {
      for (const ref of await this.readers.readersOf(tenantId, entity, 'outbound')) {
        const s = await this.svc.syncs.get(tenantId, ref.id).catch(() => null);
        if (s && s.mode !== 'inbound' && s.status === 'active') await this.hint(s);
      }
    }
  }

  /** Registers an outbound or two-way sync as a feed reader of its mapping's entity. */
  async registerReader(sync: Sync, entity: string): Promise<void> {
    await this.readers.add(sync.tenantId, entity, { kind: 'outbound', id: sync.id });
  }

  /** Unregisters a deleted sync from the feed's readers. */
  async unregisterReader(sync: Pick<Sync, 'tenantId' | 'id'>): Promise<void> {
    await this.readers.remove(sync.tenantId, entityNames, { kind: 'outbound', id: sync.id });
  }

  /** Once per tenant: registers the syncs created before the registry existed. */
  private async registerEarlierSyncs(tenantId: string): Promise<void> {
    const { redis, keys } = this.svc.hub;
    if (await redis.exists(keys.feedRegistered(tenantId))) return;
    for (const s of await this.svc.syncs.list(tenantId)) {
      if (s.mode === 'inbound') continue;
      const mapping = await this.svc.mappings.get(s.mapping, tenantId).catch(() => null);
      if (mapping) await this.registerReader(s, mapping.entity);
    }
    await redis.set(keys.feedRegistered(tenantId), '1');
  }

  /** Creates or replaces the sync's cron schedule (or removes it when the sync has none or is paused). */
  async schedule(sync: Sync): Promise<void> {
    const id = schedulerId(sync);
    if (!sync.schedule || sync.status === 'paused') {
      await this.queue.removeJobScheduler(id);
      return;
    }
    await this.queue.upsertJobScheduler(
      id,
      { pattern: sync.schedule, tz: sync.timezone },
      { name: 'run', data: { tenantId: sync.tenantId, syncId: sync.id, trigger: 'schedule' } },
    );
  }

  /** Removes the schedule of a deleted sync. */
  async unschedule(sync: Pick<Sync, 'tenantId' | 'id'>): Promise<void> {
    await this.queue.removeJobScheduler(schedulerId(sync));
  }

  /** The worker side: one processor for the queue. */
  processor(concurrency?: number): QueueProcessor {
    return {
      queue: this.queue.name,
      concurrency,
      beforeStart: async () => {
        const closed = await sweepStaleRuns(this.svc);
        if (closed)
          this.svc.hub.log.info({ closed }, 'runs left running by a stopped worker closed');
      },
      process: async (job: Job<SyncJobData>, token?: string, signal?: AbortSignal) => {
        const { tenantId, syncId, trigger, archiveKey, ids, forceResend } = job.data;
        const derived = this.derived.get(job.name);
        if (derived) return this.runDerived(derived, tenantId, signal, job.id);
        const pushed =
          job.name === 'webhook' && archiveKey
            ? () => ingestArchived(this.svc, tenantId, syncId, archiveKey)
            : job.name === 'fetch' && ids
              ? () => fetchByIds(this.svc, tenantId, syncId, ids, signal)
              : null;
        if (pushed) {
          const { counts, entity } = await pushed();
          if (counts.created + counts.updated > 0)
            await this.notifyOutbound(tenantId, new Set([entity]));
          return { counts };
        }
        const report = await runSync(this.svc, tenantId, syncId, trigger, {
          runner: `job:${job.id}`,
          signal,
          forceResend,
          requeue: async () => void (await this.runNow({ tenantId, id: syncId }, trigger)),
          onChanges: (entities) => this.notifyOutbound(tenantId, entities),
        }).catch(async (err: unknown) => {
          // A vendor wait past the in-run cap: the job sleeps in the delayed set until then
          // (BullMQ's documented pattern), no attempt is spent and the vendor is not asked again.
          if (!(err instanceof ParkedError) || !token) throw err;
          await job.moveToDelayed(err.untilMs, token);
          throw new DelayedError();
        });
        return report ? { runId: report.id, counts: report.counts } : { coalesced: true };
      },
    };
  }

  /** One pass of a derived reader; wakes the readers of what it changed, and itself if asked. */
  private async runDerived(
    d: DerivedReader,
    tenantId: string,
    signal?: AbortSignal,
    jobId?: string,
  ) {
    // Before reading: a change from now on queues another pass, one before is read by this one.
    await this.svc.hub.redis.del(this.svc.hub.keys.derivedQueued(tenantId, d.name));
    const { changed, again, report } = await d.run(tenantId, signal, jobId);
    await this.notifyOutbound(tenantId, changed);
    if (again) await this.wakeDerived(d.name, tenantId);
    return report ?? null;
  }

  /** Closes the queue's producer side. */
  async close(): Promise<void> {
    await this.queue.close();
  }
}

const schedulerId = (sync: Pick<Sync, 'tenantId' | 'id'>) => `sync:${sync.tenantId}:${sync.id}`;
