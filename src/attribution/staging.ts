import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Keys } from '../store/keys.ts';
import { StateKeys } from './state.ts';

/** Fields per HSET into the staging hashes. */
const HSET_CHUNK = 1000;
/** Hashes of a recompute that died expire after this (seconds). */
export const STAGING_TTL_S = 86_400;

/*
 * Writes fields into staging hashes and sets them to expire: one command for a batch of hashes
 * (a recompute writes about 1,800 small day hashes; an HSET and an EXPIRE each, built argument
 * by argument, were a fifth of its time).
 * KEYS: the hashes (one tenant's, so one Cluster slot).
 * ARGV[1]: JSON array of groups, each `[key index (1-based), field, value, field, ...]` (at
 * most HSET_CHUNK fields); ARGV[2]: the seconds the hashes live unless swapped in.
 * Returns the number of groups written.
 */
const STAGE = `
local groups = cjson.decode(ARGV[1])
for _, g in ipairs(groups) do
  local key = KEYS[g[1]]
  redis.call('HSET', key, unpack(g, 2))
  redis.call('EXPIRE', key, ARGV[2])
end
return #groups
`;

type StageRedis = Redis & { attrStage(n: number, ...args: string[]): Promise<number> };

/**
 * `groups` as JSON for STAGE. JSON, not MessagePack: V8's JSON.stringify is native (msgpackr's
 * first calls, cold in a recompute's process, took tens of ms). Redis's cjson refuses the
 * `\udXXX` escape of a lone surrogate, so those are written as U+FFFD, as a plain command
 * writes them (UTF-8 of a JavaScript string).
 */
function stageJson(groups: (number | string)[][]): string {
  const json = JSON.stringify(groups);
  if (!/\\ud[89a-f]/.test(json)) return json;
  return JSON.stringify(groups, (_, v: unknown) =>
    typeof v === 'string' ? v.replace(/\p{Cs}/gu, '\uFFFD') : v,
  );
}

const newBatch = (): Batch => ({ keys: [], index: new Map(), groups: [] });

/** Hashes and groups of fields of one staging command (see STAGE). */
interface Batch {
  keys: string[];
  /** Index (1-based) of each key in `keys`. */
  index: Map<string, number>;
  groups: (number | string)[][];
}

/**
 * The new generation's hashes, written as they are computed (expiring unless swapped in), so the
 * recompute never holds them all in memory.
 */
export class Staging {
  private readonly pending = new Map<number, (number | string)[]>();
  private inFlight: Promise<unknown>[] = [];
  /** Indexes (into `keys.list`) of the hashes with at least one field. */
  readonly written = new Set<number>();
  readonly keys: StateKeys;

  constructor(
    private readonly redis: Redis,
    k: Keys,
    tenantId: string,
  ) {
    this.keys = new StateKeys(k, tenantId, randomUUID());
    if (!('attrStage' in redis)) redis.defineCommand('attrStage', { lua: STAGE });
  }

  /** Stages `field` = `value` in hash `keys.list[i]`. */
  set(i: number, field: string, value: string): void {
    let list = this.pending.get(i);
    // Slot 0 is the group's key index, filled in when it joins a batch.
    if (!list) this.pending.set(i, (list = [0]));
    list.push(field, value);
    if (list.length > 2 * HSET_CHUNK) this.send(i, true);
  }

  /**
   * Sends hash i's pending fields: a full chunk as an HSET of its own (one command carries it
   * well), fewer into the batch of small hashes (see STAGE).
   */
  private send(i: number, full = false): void {
    const list = this.pending.get(i);
    if (!list || list.length < 2) return;
    this.pending.delete(i);
    this.written.add(i);
    const key = this.keys.list[i]!;
    if (full) {
      // After the batch so far: the writes reach Redis in the order they were sent.
      this.closeBatch();
      this.pipe ??= this.redis.pipeline();
      this.pipe.hset(key, ...(list.slice(1) as string[])).expire(key, STAGING_TTL_S);
      this.piped += list.length - 1;
    } else {
      const b: Batch = (this.batch ??= newBatch());
      let at = b.index.get(key);
      if (at === undefined) b.index.set(key, (at = b.keys.push(key)));
      list[0] = at;
      b.groups.push(list);
      this.piped += list.length - 1;
    }
    if (this.piped >= 16 * HSET_CHUNK) this.ship();
  }

  /** The pipeline being filled and the batch of small hashes it ends with. */
  private pipe: ReturnType<Redis['pipeline']> | null = null;
  private batch: Batch | null = null;
  /** Fields × 2 in both. */
  private piped = 0;

  /** Adds the batch of small hashes to the pipeline as one STAGE call. */
  private closeBatch(): void {
    const b = this.batch;
    if (!b) return;
    this.batch = null;
    this.pipe ??= this.redis.pipeline();
    const args = [...b.keys, stageJson(b.groups), String(STAGING_TTL_S)];
    (this.pipe as unknown as StageRedis).attrStage(b.keys.length, ...args);
  }

  private ship(): void {
    this.closeBatch();
    if (!this.pipe) return;
    const sent = this.pipe.exec().then(throwFirst);
    // Awaited by a later `settle`: a failure meanwhile must not count as unhandled.
    sent.catch(() => undefined);
    this.inFlight.push(sent);
    [this.pipe, this.piped] = [null, 0];
  }

  /**
   * Sends what is piped and waits for every write sent so far but the last `behind` pipelines
   * (call once per page, so writes never pile up; `behind` 1 keeps Redis busy with the newest
   * while the next page is computed).
   */
  async settle(behind = 0): Promise<void> {
    this.ship();
    const keep = Math.min(behind, this.inFlight.length);
    const all = this.inFlight.slice(0, this.inFlight.length - keep);
    this.inFlight = this.inFlight.slice(this.inFlight.length - keep);
    await Promise.all(all);
  }

  /** Sends everything staged so far without waiting for it (`settle` waits). */
  sendPending(): void {
    for (const i of this.pending.keys()) this.send(i);
    this.ship();
  }

  /** Sends what is left and waits for it. */
  async flush(): Promise<void> {
    this.sendPending();
    await this.settle();
  }

  /** Deletes what was written (a recompute that failed). */
  async discard(): Promise<void> {
    await this.settle().catch(() => undefined);
    const keys = [...this.written].map((i) => this.keys.list[i]!);
    if (keys.length) await this.redis.unlink(...keys);
  }
}

export function throwFirst(replies: [Error | null, unknown][] | null): void {
  for (const [err] of replies ?? []) if (err) throw err;
}
