import type { IncomingMessage, ServerResponse } from 'node:http';

import { LoopbackServer } from '../loopback.ts';
import { search, SearchRefused, type FakeObject } from './search.ts';

/** What a route answers: a status and a JSON body. */
export interface Reply {
  status: number;
  body: unknown;
}
/** A route of the fake beyond search: method + path pattern → handler. */
export type Route = (req: {
  method: string;
  path: string;
  body: unknown;
  query: URLSearchParams;
}) => Reply | null;

/**
 * "The search endpoints are rate limited to five requests per second per account" (Search the
 * CRM, Limits): a rolling second here, counted over every object type's search.
 */
export const FAKE_SEARCHES_PER_SECOND = 5;

/** Properties every search result carries (Search the CRM, default properties). */
const DEFAULTS: Record<string, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  deals: ['createdate', 'dealname', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline', 'dealstage'],
};

/**
 * A HubSpot on loopback that implements the CRM search strictly (see ./search.ts) with its
 * per-second limit (429 `SECONDLY` past it), and counts every request by path. More endpoints
 * (batch writes, properties, owners) are added as `routes`.
 */
export class FakeHubSpot extends LoopbackServer {
  readonly objects = new Map<string, FakeObject[]>();
  readonly requests: { method: string; path: string; status: number; body: unknown }[] = [];
  readonly routes: Route[] = [];
  searchesPerSecond = FAKE_SEARCHES_PER_SECOND;
  private searchTimes: number[] = [];

  /** Requests answered with `status` (optionally on paths matching `path`). */
  count(status: number | null, path?: RegExp): number {
    return this.requests.filter(
      (r) => (status === null || r.status === status) && (!path || path.test(r.path)),
    ).length;
  }

  private rateLimited(): boolean {
    const now = performance.now();
    this.searchTimes = this.searchTimes.filter((t) => now - t < 1000);
    if (this.searchTimes.length >= this.searchesPerSecond) return true;
    this.searchTimes.push(now);
    return false;
  }

  private answer(method: string, path: string, body: unknown, query: URLSearchParams): Reply {
    const m = /^\/crm\/v3\/objects\/([a-z_]+)\/search$/.exec(path);
    if (m && method === 'POST') {
      if (this.rateLimited()) {
        return {
          status: 429,
          body: {
            status: 'error',
            message: 'You have reached your secondly limit.',
            errorType: 'RATE_LIMIT',
            correlationId: 'fake',
            policyName: 'SECONDLY',
          },
        };
      }
      try {
        const type = m[1]!;
        const results = search(
          this.objects.get(type) ?? [],
          body as never,
          DEFAULTS[type] ?? ['hs_object_id'],
        );
        return { status: 200, body: results };
      } catch (err) {
        if (!(err instanceof SearchRefused)) throw err;
        return {
          status: 400,
          body: {
            status: 'error',
            message: err.message,
            category: 'VALIDATION_ERROR',
            correlationId: 'fake',
          },
        };
      }
    }
    for (const route of this.routes) {
      const r = route({ method, path, body, query });
      if (r) return r;
    }
    return {
      status: 404,
      body: {
        status: 'error',
        message: `no route ${method} ${path}`,
        category: 'OBJECT_NOT_FOUND',
      },
    };
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const [path = '/', search = ''] = (req.url ?? '/').split('?');
    const query = new URLSearchParams(search);
    const method = req.method ?? 'GET';
    const reply = req.headers.authorization?.startsWith('Bearer ')
      ? this.answer(method, path, body, query)
      : {
          status: 401,
          body: { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'no token' },
        };
    this.requests.push({ method, path, status: reply.status, body });
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  }
}
