import type { Redis } from 'ioredis';

import { followLog, PositionLostError } from '../feed/positions.ts';
import { mergedCustomers } from '../identity/merge.ts';
import { AccessPaths } from '../records/access-paths.ts';
import type { LogFilter } from '../records/change-log.ts';
import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import type { SettingsStore } from '../tenants/settings-store.ts';
import { IncrementalAttribution } from './incremental.ts';
import { recomputeAll, type RecomputeOptions, type RecomputeProgress } from './recompute.ts';
import { GEN_FIELD, POSITION_FIELD, PROGRESS_FIELD, stateMatches, STATE_FIELD } from './state.ts';

/** Changes read per batch of the incremental reader. */
export const FOLLOW_BATCH = 500;

/** Entities whose changes attribution reads from the change log. */
const FOLLOWED = ['lead', 'touchpoint', 'sale', 'spend', 'customer'] as const;
/**
 * What it asks the log for: every change of its entities but customers, and of customers only
 * the entries that may hold a merge (the only customer change that matters here, see
 * `changedRecords`), so an import of thousands of contacts is passed over in Redis.
 */
const FOLLOW_FILTER: LogFilter = {
  entities: FOLLOWED.filter((e) => e !== 'customer'),
  flagged: { customer: ['m'] },
};

/** What catching up did. */
export interface CatchUp {
  /** Full recomputes run (a settings change, a lost position, a first run, a request). */
  recomputed: number;
  batches: number;
  salesChanged: number;
}

/**
 * The attribution reader of the tenant's change feed, with the guarantees of an outbound sync:
 * at least once (the position is committed with a batch's last write, so a crash hands the batch
 * over again), idempotent (a replay finds nothing to change), resumable (the position is in
 * Redis). With no position, a state computed with other settings, or a position the log was
 * trimmed past, it runs a full recompute (which puts the position back where the log stood when
 * it began) and follows on from there.
 */
export class AttributionFollower {
  private readonly incremental: IncrementalAttribution;

  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    private readonly records: RecordStore,
    private readonly settings: SettingsStore,
  ) {
    this.incremental = new IncrementalAttribution(redis, k, records, new AccessPaths(redis, k));
  }

  /** True when the reader has changes to read or a recompute to run. */
  async behind(tenantId: string): Promise<boolean> {
    const [[state, gen], pos, last, settings] = await Promise.all([
      this.redis.hmget(this.k.attrMeta(tenantId), STATE_FIELD, GEN_FIELD),
      this.redis.hget(this.k.feedPositions(tenantId), POSITION_FIELD),
      this.records.lastChangeId(tenantId),
      this.settings.get(tenantId),
    ]);
    return (
      !pos || !stateMatches(state ?? null, settings, gen ?? null) || (last !== null && last !== pos)
    );
  }

  /** Makes the next catch-up recompute in full (the state no longer matches anything). */
  async invalidate(tenantId: string): Promise<void> {
    await this.redis.hset(this.k.attrMeta(tenantId), STATE_FIELD, '');
  }

  /** The last full recompute's progress, or null when none ran. */
  async progress(tenantId: string): Promise<RecomputeProgress | null> {
    const text = await this.redis.hget(this.k.attrMeta(tenantId), PROGRESS_FIELD);
    return text ? (JSON.parse(text) as RecomputeProgress) : null;
  }

  /** Runs a full recompute now, recording its progress (and telling `onProgress`). */
  async recompute(
    tenantId: string,
    onProgress?: (p: RecomputeProgress) => Promise<void>,
    jobId?: string,
    opts: RecomputeOptions = {},
  ): Promise<number> {
    const save = async (p: RecomputeProgress) => {
      await this.redis.hset(
        this.k.attrMeta(tenantId),
        PROGRESS_FIELD,
        JSON.stringify({ ...p, jobId }),
      );
      await onProgress?.(p);
    };
    const seen: { last?: RecomputeProgress } = {};
    try {
      const deps = { redis: this.redis, k: this.k, records: this.records, settings: this.settings };
      const n = await recomputeAll(deps, tenantId, async (p) => save((seen.last = p)), opts);
      const finishedAt = new Date().toISOString();
      await save({ ...seen.last!, state: 'done', phase: 'done', sales: n, finishedAt });
      return n;
    } catch (err) {
      if (seen.last) await save({ ...seen.last, state: 'failed', error: (err as Error).message });
      throw err;
    }
  }

  /**
   * Reads the feed to its end (recomputing first when needed). Returns what it did.
   * `onProgress` follows a full recompute.
   */
  async catchUp(
    tenantId: string,
    opts: { onProgress?: (p: RecomputeProgress) => Promise<void>; jobId?: string } = {},
  ): Promise<CatchUp> {
    const out: CatchUp = { recomputed: 0, batches: 0, salesChanged: 0 };
    for (;;) {
      const settings = await this.settings.get(tenantId);
      const [[state, gen], pos] = await Promise.all([
        this.redis.hmget(this.k.attrMeta(tenantId), STATE_FIELD, GEN_FIELD),
        this.redis.hget(this.k.feedPositions(tenantId), POSITION_FIELD),
      ]);
      if (!pos || !stateMatches(state ?? null, settings, gen ?? null)) {
        await this.recompute(tenantId, opts.onProgress, opts.jobId);
        out.recomputed++;
        continue;
      }
      let batch;
      try {
        batch = await followLog(this.records, tenantId, pos, FOLLOW_BATCH, FOLLOW_FILTER);
      } catch (err) {
        if (!(err instanceof PositionLostError)) throw err;
        await this.invalidate(tenantId);
        continue;
      }
      if (batch === null) return out;
      const changed = await this.changedRecords(tenantId, batch.changes);
      const commit = { from: pos, to: batch.next };
      const r = await this.incremental.apply(
        { tenantId, settings, state: state!, commit },
        changed,
      );
      out.batches++;
      out.salesChanged += r.salesChanged;
    }
  }

  /** The newest version of each record a batch of changes names (followed entities only). */
  private async changedRecords(
    tenantId: string,
    changes: readonly { entity: string; id: string }[],
  ): Promise<StoredRecord[]> {
    const ids = new Map<string, Set<string>>(FOLLOWED.map((e) => [e, new Set()]));
    for (const c of changes) ids.get(c.entity)?.add(c.id);
    // Of a customer only a merge matters (see IncrementalAttribution.apply): only merged
    // customers are read, not every customer an import changed.
    const found = await Promise.all(
      [...ids].map(([e, set]) =>
        e === 'customer'
          ? mergedCustomers(this.redis, this.k, this.records, tenantId, [...set])
          : this.records.getMany(tenantId, e, [...set], { lean: true }),
      ),
    );
    return found.flat().filter((r): r is StoredRecord => r !== null);
  }
}
