import { z } from '@hono/zod-openapi';

import { AppError } from '../errors/app-error.ts';

/**
 * Cursor pagination for every list of the API. A cursor is opaque to clients: `v1.` and the
 * base64url of the store's position (a record id, a run id, an entry's order key), so a store may
 * change what it keeps there without breaking a client that only hands `next` back.
 */

/** Most items one page may hold. */
export const MAX_PAGE_SIZE = 200;
/** Items per page when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 50;

/** One page of a list: its items and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Where a page starts (null: the beginning) and how many items it holds. */
export interface PageRequest {
  after: string | null;
  limit: number;
}

/** The query of every list route: `cursor` (from a previous `next`) and `limit`. */
export const PageQuerySchema = z.object({
  cursor: z
    .string()
    .max(1024)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: "The previous page's next" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .openapi({
      param: { name: 'limit', in: 'query' },
      description: `Items per page, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
    }),
});

/** The answer of a list route: `{ items, next }`. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    next: z
      .string()
      .nullable()
      .openapi({ description: 'Cursor of the next page; null on the last page' }),
  });

const PREFIX = 'v1.';

/** The opaque cursor of a store position. */
export function encodeCursor(position: string): string {
  return PREFIX + Buffer.from(position, 'utf8').toString('base64url');
}

/**
 * The store position a cursor names.
 * @throws AppError 400 `invalid_cursor` naming the `cursor` field when it is not one we gave.
 */
export function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined || cursor === '') return null;
  const body = cursor.startsWith(PREFIX) ? cursor.slice(PREFIX.length) : '';
  const position = /^[A-Za-z0-9_-]+$/.test(body) ? Buffer.from(body, 'base64url').toString() : '';
  if (!position || encodeCursor(position) !== cursor) {
    throw new AppError(400, 'invalid_cursor', 'cursor is not one this API gave (use next)', [
      { path: 'cursor', message: 'not a cursor from a previous page: pass "next" back as given' },
    ]);
  }
  return position;
}

/** The store request for a route's validated query. */
export const pageRequest = (q: { cursor?: string; limit: number }): PageRequest => ({
  after: decodeCursor(q.cursor),
  limit: q.limit,
});

/** A page from a store's items and position of the last one (null: no more). */
export const toPage = <T>(items: T[], last: string | null): Page<T> => ({
  items,
  next: last === null ? null : encodeCursor(last),
});

/**
 * Pages a small list held whole (connections, syncs: tens per tenant) in the order of `positionOf`,
 * which must be unique and stable.
 */
export function pageSorted<T>(
  all: T[],
  positionOf: (item: T) => string,
  req: PageRequest,
): Page<T> {
  const sorted = all
    .map((item) => ({ item, at: positionOf(item) }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .filter((x) => req.after === null || x.at > req.after);
  const items = sorted.slice(0, req.limit);
  const last = sorted.length > req.limit ? items[items.length - 1]!.at : null;
  return toPage(
    items.map((x) => x.item),
    last,
  );
}
