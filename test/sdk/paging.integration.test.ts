import type { IncomingMessage, ServerResponse } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { httpClientOf } from '../../src/sdk/http.ts';
import {
  nextLink,
  pagedReader,
  type PagePosition,
  type PageRequest,
  type Pagination,
} from '../../src/sdk/paging.ts';
import { LoopbackServer } from '../../src/sandbox/loopback.ts';

/** Seven items, served by every paging style the SDK declares. */
const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: `i${i + 1}` }));
const SIZE = 3;

class PagingFake extends LoopbackServer {
  readonly seen: string[] = [];

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as object) : {};
    this.seen.push(`${req.method} ${url.pathname}${url.search} ${JSON.stringify(body)}`);
    const q = (k: string) => url.searchParams.get(k);
    const send = (data: unknown, headers: Record<string, string> = {}): void =>
      void res
        .writeHead(200, { 'content-type': 'application/json', ...headers })
        .end(JSON.stringify(data));
    const slice = (from: number) => ITEMS.slice(from, from + SIZE);
    const more = (from: number) => from + SIZE < ITEMS.length;
    switch (url.pathname) {
      case '/cursor': {
        // Tokens are opaque: "t<offset>".
        const from = Number((q('page_token') ?? 't0').slice(1));
        return send({ items: slice(from), meta: more(from) ? { next: `t${from + SIZE}` } : {} });
      }
      case '/cursor-header': {
        const from = Number(q('after') ?? 0);
        return send(
          { items: slice(from) },
          more(from) ? { 'x-next-token': String(from + SIZE) } : {},
        );
      }
      case '/search': {
        const from = Number((body as { after?: string }).after ?? 0);
        return send({
          results: slice(from),
          paging: more(from) ? { next: { after: String(from + SIZE) } } : undefined,
        });
      }
      case '/offset':
        return send({ members: slice(Number(q('offset'))), total_items: ITEMS.length });
      case '/offset-capped': {
        // A vendor that answers at most two items a page, whatever the count asked.
        const from = Number(q('offset'));
        return send({ members: ITEMS.slice(from, from + 2), total_items: ITEMS.length });
      }
      case '/offset-short':
        return send({ members: ITEMS.slice(Number(q('offset')), Number(q('offset')) + SIZE) });
      case '/link': {
        const from = Number(q('from') ?? 0);
        const link = `<${this.url}/link?from=${from + SIZE}&key=secret>; rel="next", <${this.url}/link>; rel="first"`;
        return send({ data: slice(from) }, more(from) ? { link } : {});
      }
      case '/graph': {
        const from = Number(q('after') ?? 0);
        const next = `${this.url}/graph?access_token=secret&limit=3&after=${from + SIZE}`;
        return send({ data: slice(from), paging: more(from) ? { next } : {} });
      }
    }
    res.writeHead(404).end();
  }
}

let fake: PagingFake;
let ctx: { http: ReturnType<typeof httpClientOf>; signal: AbortSignal };
beforeAll(async () => {
  fake = await new PagingFake().start();
  ctx = {
    http: httpClientOf({ baseUrl: fake.url, auth: { kind: 'none' } }),
    signal: new AbortController().signal,
  };
});
afterAll(() => fake.stop());

const Page = z.looseObject({});

/** Walks a collection from its start; returns the ids in order and the positions seen. */
async function walk(paging: Pagination, records: string, request: PageRequest) {
  const read = pagedReader({ paging, records, schema: Page });
  const ids: string[] = [];
  const positions: PagePosition[] = [];
  let at: PagePosition = null;
  for (let i = 0; i < 10; i++) {
    const page = await read(ctx, request, at);
    ids.push(...page.records.map((r) => (r as { id: string }).id));
    positions.push(page.next);
    if (page.next === null) break;
    at = page.next;
  }
  return { ids, positions };
}

const ALL = ITEMS.map((i) => i.id);

const OFFSET_TOTAL = {
  kind: 'offset',
  offset: 'offset',
  limit: 'count',
  pageSize: SIZE,
  total: 'total_items',
} as const satisfies Pagination;

describe('declared pagination, against a loopback server', () => {
  it('cursor: a token from a body path, sent as a query parameter', async () => {
    const r = await walk(
      { kind: 'cursor', token: { body: 'meta.next' }, send: { query: 'page_token' } },
      'items',
      { url: '/cursor' },
    );
    expect(r).toEqual({ ids: ALL, positions: ['t3', 't6', null] });
  });

  it('cursor: a token from a header', async () => {
    const r = await walk(
      { kind: 'cursor', token: { header: 'X-Next-Token' }, send: { query: 'after' } },
      'items',
      { url: '/cursor-header' },
    );
    expect(r.ids).toEqual(ALL);
  });

  it('cursor: a token sent in a POST body, the rest of the body kept (a search)', async () => {
    fake.seen.length = 0;
    const r = await walk(
      { kind: 'cursor', token: { body: 'paging.next.after' }, send: { body: 'after' } },
      'results',
      { url: '/search', method: 'POST', body: { limit: 3, sorts: ['x'] } } as const,
    );
    expect(r.ids).toEqual(ALL);
    expect(fake.seen[1]).toBe('POST /search {"limit":3,"sorts":["x"],"after":"3"}');
  });

  it('offset: offset + limit, ending at the total the body gives', async () => {
    fake.seen.length = 0;
    const r = await walk(
      { kind: 'offset', offset: 'offset', limit: 'count', pageSize: SIZE, total: 'total_items' },
      'members',
      { url: '/offset' },
    );
    expect(r).toEqual({ ids: ALL, positions: [3, 6, null] });
    expect(fake.seen.map((s) => s.split(' ')[1])).toEqual([
      '/offset?offset=0&count=3',
      '/offset?offset=3&count=3',
      '/offset?offset=6&count=3',
    ]);
  });

  it('offset: without a total, a short page ends the collection', async () => {
    const r = await walk(
      { kind: 'offset', offset: 'offset', limit: 'count', pageSize: SIZE },
      'members',
      { url: '/offset-short' },
    );
    expect(r).toEqual({ ids: ALL, positions: [3, 6, null] });
  });

  it('offset: a total outlasts a short page, unless short pages are declared to end', async () => {
    const paging = OFFSET_TOTAL;
    const capped = await walk(paging, 'members', { url: '/offset-capped' });
    expect(capped).toEqual({ ids: ALL, positions: [2, 4, 6, null] });
    const ends = await walk({ ...paging, shortPageEnds: true }, 'members', {
      url: '/offset-capped',
    });
    expect(ends).toEqual({ ids: ['i1', 'i2'], positions: [null] });
  });

  it('offset: a request of its own page size asks for it and pages by it', async () => {
    fake.seen.length = 0;
    const paging = { ...OFFSET_TOTAL, shortPageEnds: true };
    const r = await walk(paging, 'members', { url: '/offset-capped', pageSize: 2 });
    expect(r).toEqual({ ids: ALL, positions: [2, 4, 6, null] });
    expect(fake.seen.map((s) => s.split(' ')[1])).toEqual([
      '/offset-capped?offset=0&count=2',
      '/offset-capped?offset=2&count=2',
      '/offset-capped?offset=4&count=2',
      '/offset-capped?offset=6&count=2',
    ]);
  });

  it('link: follows the RFC 8288 rel="next" URL, without the parameters it strips', async () => {
    fake.seen.length = 0;
    const r = await walk({ kind: 'link', next: 'header', strip: ['key'] }, 'data', {
      url: '/link',
    });
    expect(r.ids).toEqual(ALL);
    expect(r.positions[0]).toBe(`${fake.url}/link?from=3`);
    expect(fake.seen.join('\n')).not.toContain('secret');
  });

  it('link: a body `paging.next` URL (Meta Graph), sending only its `after`', async () => {
    fake.seen.length = 0;
    const r = await walk(
      { kind: 'link', next: { body: 'paging.next' }, send: { query: 'after' } },
      'data',
      { url: '/graph' },
    );
    expect(r).toEqual({ ids: ALL, positions: ['3', '6', null] });
    expect(fake.seen.join('\n')).not.toContain('access_token');
  });

  it('reads rel="next" among other links and parameters', () => {
    expect(nextLink('<https://a/1>; rel="prev", <https://a/3>; title="x"; rel="next"')).toBe(
      'https://a/3',
    );
    expect(nextLink('<https://a/3>; rel="next last"')).toBe('https://a/3');
    expect(nextLink('<https://a/1>; rel="prev"')).toBeNull();
    expect(nextLink(undefined)).toBeNull();
  });
});
