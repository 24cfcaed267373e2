import type { IncomingMessage, ServerResponse } from 'node:http';

import { LoopbackServer } from '../../src/sandbox/loopback.ts';

type Row = Record<string, unknown> & { id: string; updated_at: string };

/**
 * TEMPLATE of a test double (docs/connectors.md, "Tests"): a real HTTP server on loopback that
 * speaks the made-up Acme API the template connector calls. It refuses a whole batch with a 400
 * naming the items without a `last_name`, as some vendors do.
 */
export class FakeAcme extends LoopbackServer {
  readonly contacts = new Map<string, Row>();
  /** Contacts written through `POST /contacts/batch`, by the id Acme gave them. */
  readonly written = new Map<string, Record<string, unknown>>();
  readonly requests: string[] = [];
  readonly owners: { id: string; name: string }[] = [];
  /** What `X-RateLimit-Remaining` says on the next answer (the window resets in a second). */
  remaining = 100;
  /** Answers every call 403 `account_suspended` (a fatal error in the template's table). */
  suspended = false;

  constructor(readonly apiKey: string) {
    super();
  }

  put(row: Row): void {
    this.contacts.set(row.id, row);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://acme');
    this.requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, body: unknown) => {
      const limit = { 'x-ratelimit-remaining': String(this.remaining), 'x-ratelimit-reset': '1' };
      res
        .writeHead(status, { 'content-type': 'application/json', ...limit })
        .end(JSON.stringify(body));
    };
    if (req.headers['x-api-key'] !== this.apiKey) return send(401, { error: 'bad api key' });
    if (this.suspended) return send(403, { error: { code: 'account_suspended' } });
    if (req.method === 'GET' && url.pathname === '/owners') {
      const offset = Number(url.searchParams.get('offset'));
      const limit = Number(url.searchParams.get('limit'));
      const owners = this.owners.slice(offset, offset + limit);
      return send(200, { owners, total: this.owners.length });
    }
    if (req.method === 'GET' && url.pathname === '/contacts') return send(200, this.page(url));
    if (req.method === 'GET' && url.pathname === '/contacts/lookup') {
      const ids = (url.searchParams.get('ids') ?? '').split(',');
      return send(200, {
        contacts: ids.flatMap((id) => this.contacts.get(id) ?? []),
        has_more: false,
      });
    }
    if (req.method === 'POST' && url.pathname === '/contacts/batch') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const { status, body } = this.write(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      return send(status, body);
    }
    send(404, { error: 'no such endpoint' });
  }

  /** Contacts after the cursor, in (updated_at, id) order. */
  private page(url: URL) {
    const after = [
      url.searchParams.get('updated_after') ?? '',
      url.searchParams.get('after_id') ?? '',
    ];
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const rows = [...this.contacts.values()]
      .filter((r) => r.updated_at > after[0]! || (r.updated_at === after[0] && r.id > after[1]!))
      .sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id));
    return { contacts: rows.slice(0, limit), has_more: rows.length > limit };
  }

  private write(body: { items: Record<string, unknown>[] }) {
    const invalid = body.items
      .filter((i) => !i.last_name)
      .map((i) => ({
        external_id: i.external_id,
        field: 'last_name',
        message: 'last_name is required',
      }));
    if (invalid.length) return { status: 400, body: { invalid } };
    const results = body.items.map((item) => {
      const id = typeof item.id === 'string' ? item.id : `acme-${this.written.size + 1}`;
      this.written.set(id, item);
      return { id };
    });
    return { status: 200, body: { results } };
  }
}
