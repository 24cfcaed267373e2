import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Keys } from '../store/keys.ts';
import { StateKeys } from './state.ts';

/** Fields per HSET into the staging hashes. */
const HSET_CHUNK = 1000;
/** Hashes of a recompute that died expire after this (seconds). */
export const STAGING_TTL_S = 86_400;

/**
 * The new generation's hashes, written as they are computed (expiring unless swapped in), so the
 * recompute never holds them all in memory.
 */
export class Staging {
  private readonly pending = new Map<number, string[]>();
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
  }

  set(i: number, field: string, value: string): void {
    let list = this.pending.get(i);
    if (!list) this.pending.set(i, (list = []));
    list.push(field, value);
    if (list.length >= 2 * HSET_CHUNK) this.send(i);
  }

  private send(i: number): void {
    const list = this.pending.get(i);
    if (!list?.length) return;
    this.pending.set(i, []);
    this.written.add(i);
    const key = this.keys.list[i]!;
    this.pipe ??= this.redis.pipeline();
    this.pipe.hset(key, ...list).expire(key, STAGING_TTL_S);
    this.piped += list.length;
    if (this.piped >= 16 * HSET_CHUNK) this.ship();
  }

  /** The pipeline being filled (many small day hashes share one) and its size in fields × 2. */
  private pipe: ReturnType<Redis['pipeline']> | null = null;
  private piped = 0;

  private ship(): void {
    if (!this.pipe) return;
    const sent = this.pipe.exec().then(throwFirst);
    // Awaited by a later `settle`: a failure meanwhile must not count as unhandled.
    sent.catch(() => undefined);
    this.inFlight.push(sent);
    this.pipe = null;
    this.piped = 0;
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
