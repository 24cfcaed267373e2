import type { IncomingMessage, ServerResponse } from 'node:http';

import { LoopbackServer } from './loopback.ts';

/** A request as a sandbox handler sees it: the raw body read whole. */
export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: Buffer;
}

/** What a handler answers: JSON unless `text` is given. */
export interface SandboxReply {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** One request a sandbox answered, for the demo's summary and for tests. */
export interface SandboxLogEntry {
  method: string;
  path: string;
  status: number;
}

/**
 * A vendor sandbox on loopback: a real HTTP server whose handler speaks one vendor's wire format
 * (docs/vendors.md) and refuses what that vendor refuses. Subclasses implement `answer`.
 */
export abstract class SandboxServer extends LoopbackServer {
  readonly requests: SandboxLogEntry[] = [];

  /** The vendor's answer to one request. */
  protected abstract answer(req: SandboxRequest): SandboxReply | Promise<SandboxReply>;

  /** Requests answered with a status (all when null) on paths matching `path`. */
  count(status: number | null, path?: RegExp): number {
    return this.requests.filter(
      (r) => (status === null || r.status === status) && (!path || path.test(r.path)),
    ).length;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const request: SandboxRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      raw: Buffer.concat(chunks),
    };
    let reply: SandboxReply;
    try {
      reply = await this.answer(request);
    } catch (err) {
      reply = { status: 500, body: { error: (err as Error).message } };
    }
    this.requests.push({ method: request.method, path: request.path, status: reply.status });
    const isText = reply.text !== undefined;
    res.writeHead(reply.status, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
      ...reply.headers,
    });
    res.end(isText ? reply.text : reply.body === undefined ? '' : JSON.stringify(reply.body));
  }
}

/** Parses a JSON body, or null when it is not JSON. */
export function jsonBody(req: SandboxRequest): unknown {
  try {
    return JSON.parse(req.raw.toString('utf8'));
  } catch {
    return null;
  }
}

/** Whether a value is 64 lower-case hex digits (a SHA-256 the vendors want hashed identifiers in). */
export const isSha256Hex = (v: unknown): boolean =>
  typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
