import { z } from 'zod';

/**
 * Where an incremental search stands. HubSpot's search answers at most 10,000 results per query
 * and takes one sort rule, so the query is a window `modified >= since` sorted by modification
 * time, paged with `after`. When a window reaches the cap it moves on without losing the records
 * that share the last modification time seen, `T`: the records at exactly `T` are read by a
 * query of their own (`modified = T`, sorted by `hs_object_id`, moving on by `hs_object_id > last
 * id` at the cap), then the window goes on strictly after `T`. Ties on the modified time are
 * therefore read completely in one run, whatever their number or HubSpot's order among them.
 */
export const SearchCursor = z.object({
  /** Lower bound of the window (epoch ms, inclusive unless `strict`), null from the start. */
  since: z.number().int().nullable(),
  /** HubSpot's paging token inside the current query (an offset), null at its start. */
  after: z.string().nullable(),
  /** Latest modification time emitted so far (epoch ms). */
  lastAt: z.number().int().nullable(),
  /** Ids emitted with modification time `lastAt` by the time-sorted window. */
  lastIds: z.array(z.string()),
  /** True when the last page ended the window: the next run starts from `lastAt`. */
  done: z.boolean(),
  /** Compare strictly (`GT`): the records at `since` were all read by a tie query. */
  strict: z.boolean().default(false),
  /** Reading the records modified exactly at `at`, by id, after `afterId` (null: from the first). */
  tie: z.object({ at: z.number().int(), afterId: z.string().nullable() }).nullable().default(null),
});
/** The position of an incremental search. */
export type SearchCursor = z.output<typeof SearchCursor>;

/** A search from the start of time. */
export const START: SearchCursor = {
  since: null,
  after: null,
  lastAt: null,
  lastIds: [],
  done: false,
  strict: false,
  tie: null,
};

/**
 * The query bounds of the next page. A finished window restarts from its last change, less the
 * index lag (search sees recent changes late); records seen again are harmless.
 */
export function windowOf(c: SearchCursor, indexLagMs: number): SearchCursor {
  if (!c.done) return c;
  const since = c.lastAt === null ? c.since : c.lastAt - indexLagMs;
  return { ...c, since, after: null, done: false, strict: false, tie: null };
}

/**
 * Keeps records not already emitted, and returns the cursor's new `lastAt`/`lastIds`. A tie query
 * (all at one instant) only skips what the time-sorted window emitted at that instant.
 */
export function dedupe<T extends { id: string; at: number }>(
  c: SearchCursor,
  records: readonly T[],
): { fresh: T[]; lastAt: number | null; lastIds: string[] } {
  let lastAt = c.lastAt;
  let ids = new Set(c.lastIds);
  const fresh: T[] = [];
  for (const r of records) {
    if (r.at === lastAt && ids.has(r.id)) continue;
    fresh.push(r);
    if (c.tie) continue;
    if (lastAt === null || r.at > lastAt) {
      lastAt = r.at;
      ids = new Set([r.id]);
    } else if (r.at === lastAt) ids.add(r.id);
  }
  return { fresh, lastAt, lastIds: [...ids] };
}

/** What a search page said about where the query goes on. */
export interface PageEnd {
  /** HubSpot's `paging.next.after`, when it gave one. */
  next: string | undefined;
  /** Results on the page (before deduplication). */
  count: number;
  /** HubSpot's `total` for the query, when it sent one. */
  total: number | undefined;
  /** Id of the page's last result (tie queries are sorted by id). */
  lastId: string | undefined;
}

/**
 * The cursor after a page. Inside the 10,000 cap, `paging.next.after` is followed. At the cap
 * (the next page would start past it, whether or not HubSpot offered one) a time-sorted window
 * turns to the records at its last instant, and a tie query moves on by id. A tie query that is
 * done hands back to the window, strictly after its instant; a window that is done ends the run.
 */
export function advance(
  c: SearchCursor,
  seen: { lastAt: number | null; lastIds: string[] },
  end: PageEnd,
  pageSize: number,
  cap: number,
): { cursor: SearchCursor; hasMore: boolean } {
  const base = { ...c, lastAt: seen.lastAt, lastIds: seen.lastIds };
  const position = Number(c.after ?? 0) + end.count;
  const atCap = position + pageSize > cap;
  const more = end.next !== undefined || (end.total ?? 0) > position || end.count >= pageSize;
  if (!atCap && end.next !== undefined)
    return { cursor: { ...base, after: end.next }, hasMore: true };
  if (atCap && more) {
    if (c.tie) {
      const tie = { at: c.tie.at, afterId: end.lastId ?? c.tie.afterId };
      return { cursor: { ...base, after: null, tie }, hasMore: true };
    }
    if (seen.lastAt !== null) {
      return {
        cursor: { ...base, after: null, tie: { at: seen.lastAt, afterId: null } },
        hasMore: true,
      };
    }
  }
  if (c.tie) {
    // Every record at the tie instant is read: go on strictly after it.
    const cursor = { ...base, since: c.tie.at, strict: true, after: null, tie: null, lastIds: [] };
    return { cursor, hasMore: true };
  }
  return { cursor: { ...base, after: null, done: true }, hasMore: false };
}
