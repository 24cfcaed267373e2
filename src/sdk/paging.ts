import type { AxiosInstance, AxiosResponse } from 'axios';
import type { z } from 'zod';

import { pathOf, valueAt, type BodyPath } from './body-path.ts';
import { parseVendorBody } from './vendor-body.ts';

/**
 * How a vendor pages a collection, declared:
 * - `cursor`: the next page's token is in the body (`token.body`, a dotted path) or a header
 *   (`token.header`) and is sent back as a query parameter or a body field (`send`); no token,
 *   or a `more` body field that is false, ends the collection.
 * - `offset`: `offset` and `limit` query parameters; the collection ends at `total` (a body path)
 *   when the vendor gives one, else at a short page (`shortPageEnds: true` ends it at a short page
 *   even before the total, as Mailchimp's readers do). The page size is the declared `pageSize`
 *   unless the request sets its own (`PageRequest.pageSize`: a connection's setting).
 * - `link`: the next page's URL is in an RFC 8288 `Link: <…>; rel="next"` header (`next: 'header'`)
 *   or a body field (`next: { body: 'paging.next' }`, as Meta Graph). Either the URL is followed
 *   (without the `strip` parameters: credentials the client adds itself, so none is ever stored
 *   in a cursor), or only its `send.query` parameter is taken and sent with the declared request.
 */
export type Pagination =
  | {
      kind: 'cursor';
      token: { body: string } | { header: string };
      send: { query: string } | { body: string };
      more?: { body: string };
    }
  | {
      kind: 'offset';
      offset: string;
      limit: string;
      pageSize: number;
      total?: string;
      shortPageEnds?: boolean;
    }
  | {
      kind: 'link';
      next: 'header' | { body: string };
      send?: { query: string };
      strip?: readonly string[];
    };

/** Where a collection stands: a token, an offset or the next page's URL; null at its start. */
export type PagePosition = string | number | null;

/** The request of a collection's first page (later pages add the paging part, or follow a link). */
export interface PageRequest {
  method?: 'GET' | 'POST';
  /** Path under the client's base URL. */
  url: string;
  params?: Record<string, unknown>;
  body?: Record<string, unknown>;
  /** The page size of this collection when not the declared one (`offset` paging). */
  pageSize?: number;
}

/** One declared paged read: the paging, where the records are and the body schema. */
export interface PagedRead<S extends z.ZodType> {
  paging: Pagination;
  /** Dotted path of the records' array in the body (`data`, `results`, `members`). */
  records: string;
  schema: S;
}

/** A page read: the parsed body, its records, and where the next page starts (null: the end). */
export interface PageRead<B> {
  body: B;
  records: unknown[];
  next: PagePosition;
}

/** The URL of the `rel="next"` link of an RFC 8288 Link header, or null. */
export function nextLink(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2]!)) return m[1]!;
  }
  return null;
}

/** The request of the page at `at`. */
function requestAt(paging: Pagination, req: PageRequest, at: PagePosition) {
  const params = { ...req.params };
  let body = req.body;
  const url = req.url;
  if (at !== null) {
    if (paging.kind === 'offset') params[paging.offset] = at;
    else if (paging.kind === 'link' && !paging.send) return { url: String(at), params: {}, body };
    else {
      const send = paging.kind === 'link' ? paging.send! : paging.send;
      if ('query' in send) params[send.query] = at;
      else body = { ...body, [send.body]: at };
    }
  }
  if (paging.kind === 'offset') {
    params[paging.offset] ??= 0;
    params[paging.limit] = req.pageSize ?? paging.pageSize;
  }
  return { url, params, body };
}

const text = (v: unknown): string | null =>
  (typeof v === 'string' && v !== '') || typeof v === 'number' ? String(v) : null;

/** The next page's URL as a cursor may hold it: without the parameters the client adds itself. */
function strippedUrl(url: string, strip: readonly string[]): string {
  if (!strip.length) return url;
  const u = new URL(url);
  for (const p of strip) u.searchParams.delete(p);
  return u.toString();
}

/** Where the next page starts, from the answer, or null at the end. */
function nextOf(
  paging: Pagination,
  paths: { token?: BodyPath; more?: BodyPath; total?: BodyPath; next?: BodyPath },
  res: AxiosResponse,
  page: { at: PagePosition; count: number; size: number },
): PagePosition {
  const data: unknown = res.data;
  const { at, count } = page;
  if (paging.kind === 'offset') {
    const offset = Number(at ?? 0) + count;
    const total = paths.total ? Number(valueAt(data, paths.total)) : NaN;
    if (count === 0) return null;
    const short = count < page.size;
    if (Number.isFinite(total))
      return offset < total && !(paging.shortPageEnds && short) ? offset : null;
    return short ? null : offset;
  }
  if (paging.kind === 'cursor') {
    if (paths.more && valueAt(data, paths.more) === false) return null;
    const raw =
      'body' in paging.token
        ? valueAt(data, paths.token!)
        : res.headers[paging.token.header.toLowerCase()];
    return text(raw);
  }
  const url = text(
    paging.next === 'header' ? nextLink(res.headers.link) : valueAt(data, paths.next!),
  );
  if (url === null) return null;
  if (!paging.send) return strippedUrl(url, paging.strip ?? []);
  try {
    return text(new URL(url).searchParams.get(paging.send.query));
  } catch {
    return null;
  }
}

/**
 * Compiles a declared paged read (paths split once) into a reader of one page: the request of
 * the collection's first page and the position (null at the start; then the `next` it returned).
 *
 * @example
 * const contactsPage = pagedReader({
 *   paging: { kind: 'cursor', token: { body: 'next_cursor' }, send: { query: 'cursor' } },
 *   records: 'contacts',
 *   schema: ContactsPage,
 * });
 * const request = { url: '/contacts', params: { sort: 'updated_at' } };
 * const { records, next } = await contactsPage(ctx, request, null); // then (ctx, request, next)
 */
export function pagedReader<S extends z.ZodType>(read: PagedRead<S>) {
  const p = read.paging;
  const paths = {
    ...(p.kind === 'cursor' && 'body' in p.token ? { token: pathOf(p.token.body) } : {}),
    ...(p.kind === 'cursor' && p.more ? { more: pathOf(p.more.body) } : {}),
    ...(p.kind === 'offset' && p.total ? { total: pathOf(p.total) } : {}),
    ...(p.kind === 'link' && p.next !== 'header' ? { next: pathOf(p.next.body) } : {}),
  };
  const recordsPath = pathOf(read.records);
  return async (
    ctx: { http: AxiosInstance; signal: AbortSignal },
    base: PageRequest,
    at: PagePosition,
  ): Promise<PageRead<z.output<S>>> => {
    const r = requestAt(p, base, at);
    const method = base.method ?? 'GET';
    const what = `${method} ${base.url}`;
    const res =
      method === 'POST'
        ? await ctx.http.post(r.url, r.body, { params: r.params, signal: ctx.signal })
        : await ctx.http.get(r.url, { params: r.params, signal: ctx.signal });
    const body = parseVendorBody(read.schema, res.data, what);
    const found = valueAt(res.data, recordsPath);
    const records = Array.isArray(found) ? (found as unknown[]) : [];
    const size = base.pageSize ?? (p.kind === 'offset' ? p.pageSize : 0);
    const next = nextOf(p, paths, res, { at, count: records.length, size });
    return { body, records, next };
  };
}
