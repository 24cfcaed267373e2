import { createServer, type Server } from 'node:http';

import { closeServer, listenLoopback } from '../../src/sandbox/loopback.ts';
import type { GraphLead } from '../../test/fixtures/meta/leads-245-people.ts';

/**
 * A Graph API on loopback serving one lead form: `GET /{version}/{form_id}` (id, name, status)
 * and `GET /{version}/{form_id}/leads` paged by `limit` and `after`, with `paging.next` only when
 * a page follows (docs/vendors.md, Meta).
 */
export class FakeGraph {
  url = '';
  private server!: Server;

  constructor(
    private readonly formId: string,
    private readonly leads: readonly GraphLead[],
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://graph');
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const [, , id, edge] = url.pathname.split('/');
      if (id !== this.formId) return json(404, { error: { message: 'Unknown path', code: 803 } });
      if (!edge) return json(200, { id, name: 'Test drive offer', status: 'ACTIVE' });
      const limit = Number(url.searchParams.get('limit') ?? 25);
      const from = Number(url.searchParams.get('after') ?? 0);
      const data = this.leads.slice(from, from + limit);
      const after = String(from + data.length);
      const more = from + data.length < this.leads.length;
      json(200, {
        data,
        paging: {
          cursors: { after },
          ...(more ? { next: `${this.url}${url.pathname}?after=${after}` } : {}),
        },
      });
    });
    this.url = await listenLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }
}
