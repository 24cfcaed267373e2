import { DelayedError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import type { Archive } from '../archive/archive.ts';
import { conflict } from '../errors/app-error.ts';
import type { Logger } from '../log/logger.ts';
import { openQueue } from '../queue/queues.ts';
import type { Keys } from '../store/keys.ts';
import { tryLock } from '../sync/lock.ts';
import type { QueueProcessor } from '../worker/pool.ts';
import type { SettingsStore } from '../tenants/settings-store.ts';
import { exportAttribution, previousTenantDay } from './export.ts';
import type { CatchUp } from './follow.ts';
import type { RecomputeOptions, RecomputeProgress } from './recompute.ts';
import type { AttributionStore } from './store.ts';
import type { Model } from './types.ts';

/** The queue of attribution jobs. */
export const ATTRIBUTION_QUEUE = 'attribution';

/**
 * Changes of one window wake one catch-up job, which starts once the window is over (so every
 * change of the window is in the log before it reads).
 */
export const WAKE_WINDOW_MS = 1_000;

/** How often the sweep looks for tenants whose reader is behind (a wake lost to a crash). */
export const SWEEP_EVERY_MS = 60_000;

/** Wait before a recompute request tries again while another job holds the tenant. */
const BUSY_RETRY_MS = 2_000;

/** Default schedule of the daily export: 06:00 in the tenant's time zone. */
export const DAILY_EXPORT_CRON = '0 6 * * *';

/** Job data: the tenant (none for the sweep); the models a report export writes. */
export interface AttributionJobData {
  tenantId?: string;
  models?: Model[];
}

/** What the attribution jobs need. */
export interface AttributionJobDeps {
  redis: Redis;
  keys: Keys;
  log: Logger;
  attribution: AttributionStore;
  settings: SettingsStore;
  archive: Archive;
  /** Every tenant id (for the sweep). */
  tenantIds: () => Promise<string[]>;
}

/**
 * Runs attribution in the workers: `follow` catches a tenant's reader up with the change feed
 * (woken after inbound changes, and by a sweep every minute), `recompute` runs a full recompute
 * on request with progress. One job at a time works on a tenant (a lock); a catch-up that finds
 * the tenant busy leaves it to the holder, which looks again after it lets go.
 */
export class AttributionJobs {
  private q: Queue<AttributionJobData> | null = null;

  constructor(
    private readonly d: AttributionJobDeps,
    readonly name = ATTRIBUTION_QUEUE,
  ) {}

  private get queue(): Queue<AttributionJobData> {
    return (this.q ??= openQueue(
      this.name,
      this.d.redis,
      this.d.keys,
    ) as Queue<AttributionJobData>);
  }

  /** Asks for a catch-up of the tenant's attribution after changes (one job per window). */
  async wake(tenantId: string): Promise<void> {
    const now = Date.now();
    const window = Math.floor(now / WAKE_WINDOW_MS);
    await this.queue.add(
      'follow',
      { tenantId },
      {
        jobId: `follow-${tenantId}-${window}`,
        delay: (window + 1) * WAKE_WINDOW_MS - now,
        removeOnComplete: true,
        removeOnFail: { count: 100 },
      },
    );
  }

  /** Asks for a full recompute; returns the job id (its progress is the tenant's recompute status). */
  async recompute(tenantId: string): Promise<string> {
    const job = await this.queue.add(
      'recompute',
      { tenantId },
      { jobId: `recompute-${tenantId}-${randomUUID()}` },
    );
    return job.id!;
  }

  /**
   * A full recompute in this process (the CLI's inline one), holding the tenant's lock as the
   * jobs do, so it never runs beside a worker's recompute or catch-up of the tenant: while another
   * holds it, refused with a conflict naming the holder. A catch-up that found the lock taken
   * while this ran is woken once it lets go. Returns the number of sales attributed.
   */
  async recomputeHere(
    tenantId: string,
    onProgress?: (p: RecomputeProgress) => Promise<void>,
    opts: RecomputeOptions = {},
  ): Promise<number> {
    const key = this.d.keys.attrLock(tenantId);
    const lock = await tryLock(this.d.redis, key, `cli:${hostname()}:${process.pid}`);
    if (!lock)
      throw conflict(
        `Attribution of tenant "${tenantId}" is being worked on by ${(await this.d.redis.get(key)) ?? 'another job'}: wait for it (dealerloop attribution status --tenant ${tenantId}) or queue the recompute with --queue`,
      );
    let sales: number;
    try {
      sales = await this.d.attribution.recompute(tenantId, onProgress, opts);
    } finally {
      await lock.release();
    }
    if (await this.d.attribution.follower.behind(tenantId)) await this.wake(tenantId);
    return sales;
  }

  /**
   * Exports the previous tenant day's attribution report for each model to the archive every day
   * (cron `pattern` in the tenant's time zone), replacing an earlier schedule of the tenant.
   */
  async scheduleExport(
    tenantId: string,
    models: Model[],
    pattern = DAILY_EXPORT_CRON,
  ): Promise<void> {
    const tz = (await this.d.settings.get(tenantId)).timeZone;
    await this.queue.upsertJobScheduler(
      `export:${tenantId}`,
      { pattern, tz },
      { name: 'export', data: { tenantId, models } },
    );
  }

  /** Removes the tenant's daily export. */
  async unscheduleExport(tenantId: string): Promise<void> {
    await this.queue.removeJobScheduler(`export:${tenantId}`);
  }

  /** The tenant's daily export schedule (cron pattern and models), or null. */
  async exportSchedule(tenantId: string): Promise<{ pattern: string; models: Model[] } | null> {
    const s = await this.queue.getJobScheduler(`export:${tenantId}`);
    if (!s?.pattern) return null; // BullMQ answers an empty scheduler once removed
    return {
      pattern: s.pattern ?? '',
      models: (s.template?.data as AttributionJobData)?.models ?? [],
    };
  }

  /** Runs the daily export now (in a worker); returns the job id. */
  async exportNow(tenantId: string, models: Model[]): Promise<string> {
    return (await this.queue.add('export', { tenantId, models })).id!;
  }

  /** The worker side. The sweep is scheduled when the worker starts. */
  processor(concurrency?: number): QueueProcessor {
    return {
      queue: this.name,
      concurrency,
      beforeStart: async () => {
        await this.queue.upsertJobScheduler(
          'attribution-sweep',
          { every: SWEEP_EVERY_MS },
          { name: 'sweep', data: {} },
        );
      },
      process: (job: Job<AttributionJobData>, token?: string) => this.process(job, token),
    };
  }

  private async process(job: Job<AttributionJobData>, token?: string): Promise<unknown> {
    const { tenantId } = job.data;
    if (job.name === 'sweep') {
      let woken = 0;
      for (const id of await this.d.tenantIds())
        if (await this.d.attribution.follower.behind(id)) {
          await this.wake(id);
          woken++;
        }
      return { woken };
    }
    if (!tenantId) return { skipped: 'no tenant' };
    if (job.name === 'export') return { keys: await this.exportDay(tenantId, job.data.models) };
    const force = job.name === 'recompute';
    const done = await this.whileHolding(tenantId, job, force);
    if (done === null && force && token) {
      // Another job holds the tenant: this request waits its turn (no attempt spent).
      await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    return done ?? { skipped: 'busy' };
  }

  /**
   * Holds the tenant's lock while catching up (after a full recompute when `force`), then looks
   * again once it let go: a change whose job found the lock taken is read here. Null when
   * another job holds the tenant.
   */
  private async whileHolding(tenantId: string, job: Job, force: boolean): Promise<CatchUp | null> {
    const total: CatchUp = { recomputed: 0, batches: 0, salesChanged: 0 };
    let first = true;
    do {
      const lock = await tryLock(this.d.redis, this.d.keys.attrLock(tenantId), `job:${job.id}`);
      if (!lock) return first ? null : total;
      try {
        if (first && force) {
          await this.d.attribution.follower.recompute(
            tenantId,
            (p) => job.updateProgress({ ...p }),
            job.id,
          );
          total.recomputed++;
        }
        const r = await this.d.attribution.follower.catchUp(tenantId, {
          onProgress: (p) => job.updateProgress({ ...p }),
          jobId: job.id,
        });
        total.recomputed += r.recomputed;
        total.batches += r.batches;
        total.salesChanged += r.salesChanged;
      } finally {
        await lock.release();
      }
      first = false;
    } while (await this.d.attribution.follower.behind(tenantId));
    if (total.recomputed || total.salesChanged)
      this.d.log.info({ tenantId, ...total }, 'attribution caught up');
    return total;
  }

  /** Writes the previous tenant day's report for each model (default last_touch). */
  private async exportDay(tenantId: string, models: Model[] = ['last_touch']): Promise<string[]> {
    const day = previousTenantDay(new Date(), (await this.d.settings.get(tenantId)).timeZone);
    const keys: string[] = [];
    for (const model of models)
      keys.push(
        await exportAttribution(this.d.attribution, this.d.archive, tenantId, {
          from: day,
          to: day,
          model,
        }),
      );
    this.d.log.info({ tenantId, day, keys }, 'attribution report exported');
    return keys;
  }

  /** Closes the producer side. */
  async close(): Promise<void> {
    await this.q?.close();
  }
}
