/** One item a vendor refused, with its reason (and the field at fault when the vendor says). */
export interface RefusedItem<T> {
  item: T;
  reason: string;
  field?: string;
}

/** What `sendSplitting` did with a batch. */
export interface SplitOutcome<T> {
  /** Items in batches the vendor accepted (`send` resolved for them). */
  delivered: T[];
  /** Items the vendor refused, alone or as the only unknown left of a refused batch. */
  refused: RefusedItem<T>[];
  /** Calls of `send` made, the first one included. */
  requests: number;
}

/** Optional knowledge about refusals that saves requests. */
export interface SplitOptions<T> {
  /**
   * True when the refusal is about the batch's size, not its content (413 Content Too Large,
   * RFC 9110 §15.5.14): neither half is then known to hold a bad item, so both are sent.
   * Default: the error carries status 413 (`status` or `response.status`).
   */
  tooLarge?: (err: unknown) => boolean;
  /**
   * The items of `batch` the refusal names as at fault, with their reasons (e.g. HubSpot puts the
   * bad inputs' ids in its error's `context`). They are refused at once and the rest is sent again.
   */
  named?: (err: unknown, batch: readonly T[]) => ReadonlyMap<T, Omit<RefusedItem<T>, 'item'>>;
}

interface Refusal<T> {
  reason: string;
  /** The vendor refused the content: some item of the batch is bad. */
  content: boolean;
  named: ReadonlyMap<T, Omit<RefusedItem<T>, 'item'>> | undefined;
}

/** The HTTP status an error carries, if any (classified SDK errors, axios errors). */
function statusOf(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { status?: unknown; response?: { status?: unknown } };
  const status = typeof e.status === 'number' ? e.status : e.response?.status;
  return typeof status === 'number' ? status : null;
}

/** The default `tooLarge`: the error carries HTTP status 413. */
export const isTooLarge = (err: unknown): boolean => statusOf(err) === 413;

/**
 * Sends `items` as one batch and, when the vendor refuses it for its content, splits it in halves
 * to find the bad items, without re-sending what is known good and without sending whole a batch
 * known to hold a bad item: when the first half of a refused batch is delivered, the bad item is
 * in the second half, which is split at once. One bad item in n costs at most
 * 2·⌈log₂ n⌉ + 1 requests; a batch nothing refuses costs one.
 *
 * `refused` says why the vendor refused a batch for its content (a 400, a 413), or null for any
 * other failure (retryable, auth), which is rethrown at once so the caller's retry and backoff
 * apply; what was delivered before that is what `send` resolved for. Refusals are taken to be
 * deterministic (the same items are refused again).
 *
 * @example
 * const { delivered, refused } = await sendSplitting(rows, (b) => post('/batch', b),
 *   (err) => (err instanceof PermanentError ? err.message : null));
 */
export async function sendSplitting<T>(
  items: readonly T[],
  send: (batch: readonly T[]) => Promise<void>,
  refused: (err: unknown) => string | null,
  opts: SplitOptions<T> = {},
): Promise<SplitOutcome<T>> {
  const out: SplitOutcome<T> = { delivered: [], refused: [], requests: 0 };
  const tooLarge = opts.tooLarge ?? isTooLarge;

  /** Sends a batch: null when delivered, else the refusal. */
  const attempt = async (batch: readonly T[]): Promise<Refusal<T> | null> => {
    out.requests++;
    try {
      await send(batch);
      out.delivered.push(...batch);
      return null;
    } catch (err) {
      const reason = refused(err);
      if (reason === null) throw err;
      return { reason, content: !tooLarge(err), named: opts.named?.(err, batch) };
    }
  };
  /** A batch nothing is known about: sent whole, split if refused. */
  const unknown = async (batch: readonly T[]): Promise<void> => {
    if (batch.length === 0) return;
    const r = await attempt(batch);
    if (r) await split(batch, r);
  };
  /** A batch refused with `r` (sent, or known to hold a bad item): find its bad items. */
  const split = async (batch: readonly T[], r: Refusal<T>): Promise<void> => {
    if (batch.length === 1) {
      const item = batch[0]!;
      out.refused.push({ item, ...(r.named?.get(item) ?? { reason: r.reason }) });
      return;
    }
    if (r.named?.size) {
      const rest = batch.filter((item) => {
        const n = r.named!.get(item);
        if (n) out.refused.push({ item, ...n });
        return !n;
      });
      if (rest.length < batch.length) return unknown(rest);
    }
    const half = Math.ceil(batch.length / 2);
    const a = batch.slice(0, half);
    const b = batch.slice(half);
    const ra = await attempt(a);
    if (ra) await split(a, ra);
    // A refused for its content with A delivered: the bad item is in B.
    if (!ra && r.content) await split(b, { ...r, named: undefined });
    else await unknown(b);
  };

  await unknown(items);
  return out;
}
