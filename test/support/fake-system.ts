import type { IncomingMessage, ServerResponse } from 'node:http';

import { LoopbackServer } from '../../src/sandbox/loopback.ts';

/** One scripted failure: answer `status` (with optional Retry-After seconds) to the next `times` calls. */
export interface Fault {
  status: number;
  times: number;
  retryAfter?: number;
  match?: RegExp;
}

/**
 * A whole-batch answer a sink gives instead of its results: a status (before applying anything),
 * a dropped connection (before or after applying), a garbled 200 (after applying: the write
 * happened, the answer cannot be read), or the results dribbled out slowly.
 */
export type BatchFault =
  | { kind: 'status'; status: number; body?: unknown; retryAfter?: number }
  | { kind: 'reset'; afterApply?: boolean }
  | { kind: 'garble' }
  | { kind: 'slow'; chunkMs: number };

/**
 * A real HTTP server speaking the http-json connector's protocol, for tests and benchmarks:
 * streams (`GET /<stream>?cursor=&limit=`) over records ordered by a change sequence, sinks
 * (`POST /<sink>/batch`) that apply each idempotency key once, and scripted faults.
 */
export class FakeSystem extends LoopbackServer {
  /** Records by stream, each with `id`; `seq` orders changes for the cursor. */
  readonly records = new Map<string, Map<string, Record<string, unknown> & { seq: number }>>();
  /** Idempotency keys applied per sink, with the id each write got. */
  readonly applied = new Map<string, Map<string, string>>();
  readonly requests: { method: string; path: string; status: number }[] = [];
  faults: Fault[] = [];
  /** Items whose record matches this predicate are refused as invalid (per-record failure). */
  rejectItem: ((record: Record<string, unknown>) => string | null) | null = null;
  /** Answers `status` to the stream read (page GET) with this 1-based number, once. */
  failRead: { n: number; status: number } | null = null;
  private reads = 0;
  /** Called on every page read (with its 1-based number) before it is answered. */
  onRead: ((n: number) => Promise<void> | void) | null = null;
  /** A whole-batch fault for a write (its items, its 1-based number among writes), or null. */
  batchFault:
    ((items: { record: Record<string, unknown> }[], n: number) => BatchFault | null) | null = null;
  private writes = 0;
  /** JSON text of records put with `putRaw`, by `stream/id`. */
  private readonly raw = new Map<string, string>();
  /** Called on every write before it is applied. */
  onWrite: ((sink: string, count: number) => Promise<void> | void) | null = null;
  /** Called after a write is applied, before it is answered (used to crash a worker mid-batch). */
  afterApply: ((sink: string, count: number) => Promise<void> | void) | null = null;
  /** Items delivered in all, duplicates included. */
  delivered = 0;
  /** Requests being handled now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  private seq = 0;

  /** Creates or changes a record in a stream (as a user of that system would). */
  put(stream: string, record: Record<string, unknown> & { id: string }): void {
    const s = this.records.get(stream) ?? new Map();
    this.records.set(stream, s);
    const prev = s.get(record.id);
    // Delete first so the map's order stays change order (pages are read in that order).
    s.delete(record.id);
    s.set(record.id, { ...(prev ?? {}), ...record, seq: ++this.seq });
  }

  /**
   * Creates a record served as this JSON text, as it is (e.g. nested too deep for
   * JSON.stringify: the hub must take it as a vendor would send it).
   */
  putRaw(stream: string, id: string, json: string): void {
    this.put(stream, { id });
    this.raw.set(`${stream}/${id}`, json);
  }

  /** The records of a stream, without the change sequence. */
  list(stream: string): Record<string, unknown>[] {
    return [...(this.records.get(stream)?.values() ?? [])].map(({ seq: _s, ...r }) => r);
  }

  /** Calls of a method and path prefix. */
  count(method: string, prefix: string): number {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(prefix)).length;
  }

  /** Drops the connection without answering (a reset, as the client sees it). */
  private drop(req: IncomingMessage, url: URL) {
    this.inFlight--;
    this.requests.push({ method: req.method ?? '', path: url.pathname, status: 0 });
    req.socket.destroy();
  }

  /** Answers 200 with a body as given (not JSON-encoded). */
  private answerRaw(res: ServerResponse, req: IncomingMessage, url: URL, text: string) {
    this.inFlight--;
    this.requests.push({ method: req.method ?? '', path: url.pathname, status: 200 });
    res.writeHead(200, { 'content-type': 'application/json' }).end(text);
  }

  /** Answers 200 with `body`, a few bytes every `chunkMs`. */
  private async dribble(
    res: ServerResponse,
    req: IncomingMessage,
    url: URL,
    body: unknown,
    chunkMs: number,
  ) {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json' });
    const step = Math.max(1, Math.ceil(text.length / 8));
    for (let i = 0; i < text.length; i += step) {
      res.write(text.slice(i, i + step));
      await new Promise((r) => setTimeout(r, chunkMs));
    }
    this.inFlight--;
    this.requests.push({ method: req.method ?? '', path: url.pathname, status: 200 });
    res.end();
  }

  protected async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.inFlight--;
      this.requests.push({ method: req.method ?? '', path: url.pathname, status });
      res
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const fault = this.faults.find((f) => f.times > 0 && (!f.match || f.match.test(url.pathname)));
    if (fault) {
      fault.times--;
      return send(
        fault.status,
        { error: `scripted ${fault.status}` },
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
      );
    }
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && parts.length === 1) {
      await this.onRead?.(this.reads + 1);
      if (++this.reads === this.failRead?.n) {
        return send(this.failRead.status, { error: `scripted ${this.failRead.status}` });
      }
      const after = Number(url.searchParams.get('cursor') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const page: (Record<string, unknown> & { seq: number })[] = [];
      let more = false;
      for (const r of this.records.get(parts[0]!)?.values() ?? []) {
        if (r.seq <= after) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(r);
      }
      const last = page[page.length - 1];
      const nextCursor = last ? String(last.seq) : url.searchParams.get('cursor');
      if (this.raw.size === 0)
        return send(200, {
          records: page.map(({ seq: _s, ...r }) => r),
          nextCursor,
          hasMore: more,
        });
      const texts = page.map(
        ({ seq: _s, ...r }) => this.raw.get(`${parts[0]}/${String(r.id)}`) ?? JSON.stringify(r),
      );
      const tail = `"nextCursor":${JSON.stringify(nextCursor)},"hasMore":${more}}`;
      return this.answerRaw(res, req, url, `{"records":[${texts.join(',')}],${tail}`);
    }
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'batch') {
      const sink = parts[0]!;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        items: { idempotencyKey: string; id: string | null; record: Record<string, unknown> }[];
      };
      await this.onWrite?.(sink, body.items.length);
      const fault = this.batchFault?.(body.items, ++this.writes) ?? null;
      if (fault?.kind === 'status') {
        const retryAfter = fault.retryAfter;
        const headers: Record<string, string> =
          retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
        return send(fault.status, fault.body ?? { error: `scripted ${fault.status}` }, headers);
      }
      if (fault?.kind === 'reset' && !fault.afterApply) return this.drop(req, url);
      const applied = this.applied.get(sink) ?? new Map<string, string>();
      this.applied.set(sink, applied);
      const results = body.items.map((item) => {
        const problem = this.rejectItem?.(item.record);
        if (problem) return { ok: false, retryable: false, error: problem, field: 'email' };
        // A key seen before is answered as the first time, with the id that write got.
        const seen = applied.get(item.idempotencyKey);
        if (seen !== undefined) return { ok: true, id: seen };
        const id = item.id ?? `ext-${this.seq + 1}`;
        applied.set(item.idempotencyKey, id);
        this.put(sink, { ...item.record, id });
        return { ok: true, id };
      });
      this.delivered += body.items.length;
      await this.afterApply?.(sink, body.items.length);
      if (fault?.kind === 'reset') return this.drop(req, url);
      if (fault?.kind === 'garble') return this.answerRaw(res, req, url, '{"results": [{"ok": tr');
      if (fault?.kind === 'slow') return this.dribble(res, req, url, { results }, fault.chunkMs);
      return send(200, { results });
    }
    if (req.method === 'GET' && parts.length === 0) return send(200, { ok: true });
    return send(404, { error: 'no route' });
  }
}
