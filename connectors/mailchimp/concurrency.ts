/**
 * Counting semaphores that keep Mailchimp calls under its simultaneous-connection cap, and a
 * bounded parallel map for per-member writes.
 */

/** At most `limit` holders at a time; waiters are served in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be ≥ 1');
  }

  /** Holders right now (for tests and logs). */
  get inUse(): number {
    return this.active;
  }

  /** Runs `fn` once a slot is free; an abort while waiting rejects without taking a slot. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.active++;
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  private release(): void {
    this.active--;
    this.waiters.shift()?.();
  }
}

const gates = new Map<string, Semaphore>();

/**
 * The process-wide semaphore named `key`, made with `limit` on first use. Every client built for
 * the same account (or the same connection) shares it, whichever run or sync built the client.
 */
export function sharedGate(key: string, limit: number): Semaphore {
  let gate = gates.get(key);
  if (!gate) gates.set(key, (gate = new Semaphore(limit)));
  return gate;
}

/**
 * Maps `items` with at most `limit` calls of `fn` running, keeping the order of results. On the
 * first rejection no new item starts; running ones finish before the rejection is rethrown.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { err: unknown }).err;
  return results;
}
