import { z } from 'zod';

import { PermanentError } from '../../src/sdk/errors.ts';

/**
 * Where an incremental search stands. HubSpot's search answers at most 10,000 results per query,
 * so the query is a window `modified >= since` sorted by modification time, paged with `after`;
 * before a page would pass the cap, the window moves: `since` becomes the last modification time
 * seen and paging starts again. Records at exactly that time were already emitted: `lastIds`
 * holds their ids so the new window skips them (ties deduplicated by id).
 */
export const SearchCursor = z.object({
  /** Lower bound of the window (epoch ms, inclusive), null for a backfill from the start. */
  since: z.number().int().nullable(),
  /** HubSpot's paging token inside the current window (an offset), null at its start. */
  after: z.string().nullable(),
  /** Latest modification time emitted so far (epoch ms). */
  lastAt: z.number().int().nullable(),
  /** Ids emitted with modification time `lastAt`. */
  lastIds: z.array(z.string()),
  /** True when the last page ended the window: the next run starts from `lastAt`. */
  done: z.boolean(),
  /** Compare strictly (`GT`): only when 10,000 records share one modification time. */
  strict: z.boolean().default(false),
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
};

/** Decodes a stored cursor; a cursor this connector did not write is a permanent error. */
export function decodeJson<T>(schema: z.ZodType<T>, raw: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new PermanentError(`${what} cursor is not JSON: reset the sync's cursor`);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new PermanentError(`${what} cursor has an unknown shape: reset it`);
  return r.data;
}

/**
 * The query bounds of the next page. A finished window restarts from its last change, less the
 * index lag (search sees recent changes late); records seen again are harmless.
 */
export function windowOf(c: SearchCursor, indexLagMs: number): SearchCursor {
  if (!c.done) return c;
  const since = c.lastAt === null ? c.since : c.lastAt - indexLagMs;
  return { ...c, since, after: null, done: false, strict: false };
}

/** Keeps records not already emitted, and returns the cursor's new `lastAt`/`lastIds`. */
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
    if (lastAt === null || r.at > lastAt) {
      lastAt = r.at;
      ids = new Set([r.id]);
    } else if (r.at === lastAt) ids.add(r.id);
  }
  return { fresh, lastAt, lastIds: [...ids] };
}

/**
 * The cursor after a page. `next` is HubSpot's `paging.next.after`: followed while the page after
 * it stays inside the 10,000 cap; at the cap the window moves to `lastAt`; without it the window is
 * done for this run.
 */
export function advance(
  c: SearchCursor,
  seen: { lastAt: number | null; lastIds: string[] },
  next: string | undefined,
  pageSize: number,
  cap: number,
): { cursor: SearchCursor; hasMore: boolean; stuck: boolean } {
  const base = { ...c, lastAt: seen.lastAt, lastIds: seen.lastIds };
  if (next === undefined)
    return { cursor: { ...base, after: null, done: true }, hasMore: false, stuck: false };
  if (Number(next) + pageSize <= cap)
    return { cursor: { ...base, after: next }, hasMore: true, stuck: false };
  // The window is full: move its lower bound to the last change seen.
  if (seen.lastAt !== null && seen.lastAt !== c.since) {
    return {
      cursor: { ...base, since: seen.lastAt, after: null, strict: false },
      hasMore: true,
      stuck: false,
    };
  }
  // 10,000 records share one modification time: the window cannot move; step past that instant.
  return {
    cursor: { ...base, since: seen.lastAt, after: null, strict: true },
    hasMore: true,
    stuck: true,
  };
}
