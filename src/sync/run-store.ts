import { randomBytes } from 'node:crypto';

import type { Redis } from 'ioredis';

import { RunSchema } from '../entities/sync.ts';
import { parseStored, parseStoredJson } from '../entities/stored.ts';
import { notFound } from '../errors/app-error.ts';
import { toPage, type Page, type PageRequest } from '../ops/pagination.ts';
import type { Keys } from '../store/keys.ts';
import { zeroCounts, type RunReport, type RunTrigger } from './types.ts';

/** Runs kept per sync; older reports are dropped (they stay in the archive). */
export const RUNS_KEPT = 200;
/** How long a run report stays in Redis. */
export const RUN_TTL_SECONDS = 30 * 24 * 3600;
/** Error messages kept per run. */
const ERRORS_KEPT = 50;

/** Run history of syncs: bounded in count and age. */
export class RunStore {
  /** Heard once per finished run, after it is saved (metrics); a failing listener is ignored. */
  readonly onFinish: ((run: RunReport) => Promise<void>)[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** Starts a run report in state `running`; `holder` is the sync lock's token, if it took one. */
  async start(
    tenantId: string,
    syncId: string,
    trigger: RunTrigger,
    holder?: string,
  ): Promise<RunReport> {
    const run: RunReport = {
      id: `r_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`,
      syncId,
      tenantId,
      trigger,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      durationMs: null,
      counts: zeroCounts(),
      batches: 0,
      errors: [],
      ...(holder ? { holder } : {}),
    };
    const runsKey = this.k.runs(tenantId, syncId);
    const dropped = await this.redis.lrange(runsKey, RUNS_KEPT - 1, -1);
    const m = this.redis
      .multi()
      .lpush(runsKey, run.id)
      .ltrim(runsKey, 0, RUNS_KEPT - 1);
    for (const old of dropped) m.del(this.k.run(tenantId, old));
    m.set(this.k.run(tenantId, run.id), this.encode(run), 'EX', RUN_TTL_SECONDS);
    await m.exec();
    return run;
  }

  /** A run's stored text, checked against `RunSchema` first (a bad field is a StoredValueError). */
  private encode(run: RunReport): string {
    return JSON.stringify(parseStored(RunSchema, 'run', this.k.run(run.tenantId, run.id), run));
  }

  /** A run from its stored text (a bad field is a StoredValueError naming it). */
  private decode(tenantId: string, runId: string, text: string): RunReport {
    return parseStoredJson(RunSchema, 'run', this.k.run(tenantId, runId), text);
  }

  /** The reports of `ids` that are still kept, in the order of `ids`. */
  private async many(tenantId: string, ids: string[]): Promise<RunReport[]> {
    if (ids.length === 0) return [];
    const texts = await this.redis.mget(ids.map((id) => this.k.run(tenantId, id)));
    return texts.flatMap((t, i) => (t ? [this.decode(tenantId, ids[i]!, t)] : []));
  }

  /** Saves progress (counts, batches, errors) of a running run. */
  async save(run: RunReport): Promise<void> {
    if (run.errors.length > ERRORS_KEPT) run.errors = run.errors.slice(-ERRORS_KEPT);
    await this.redis.set(this.k.run(run.tenantId, run.id), this.encode(run), 'EX', RUN_TTL_SECONDS);
  }

  /** Ends a run with its final status. */
  async finish(run: RunReport, status: RunReport['status'], error?: string): Promise<RunReport> {
    run.status = status;
    run.finishedAt = new Date().toISOString();
    run.durationMs = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
    if (error) run.errors.push(error);
    await this.save(run);
    for (const listen of this.onFinish) await listen(run).catch(() => undefined);
    return run;
  }

  /** One run's report, or `not_found`. */
  async get(tenantId: string, runId: string): Promise<RunReport> {
    const text = await this.redis.get(this.k.run(tenantId, runId));
    if (!text) throw notFound('run');
    return this.decode(tenantId, runId, text);
  }

  /**
   * One page of a sync's runs, newest first, after run `req.after` (a run id). The history is
   * bounded (`RUNS_KEPT`), so the page is cut from the whole list of ids; a cursor whose run
   * was dropped meanwhile goes on from the first older run.
   */
  async page(tenantId: string, syncId: string, req: PageRequest): Promise<Page<RunReport>> {
    const ids = await this.redis.lrange(this.k.runs(tenantId, syncId), 0, -1);
    const after = req.after;
    const start = after === null ? 0 : ids.indexOf(after) + 1 || ids.findIndex((id) => id < after);
    const slice = start < 0 ? [] : ids.slice(start, start + req.limit);
    if (slice.length === 0) return toPage([], null);
    const runs = await this.many(tenantId, slice);
    return toPage(runs, start + req.limit < ids.length ? slice[slice.length - 1]! : null);
  }

  /** The newest runs of a sync. */
  async list(tenantId: string, syncId: string, limit = 20): Promise<RunReport[]> {
    const ids = await this.redis.lrange(this.k.runs(tenantId, syncId), 0, limit - 1);
    return this.many(tenantId, ids);
  }
}
