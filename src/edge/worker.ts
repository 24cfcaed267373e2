/**
 * Webhook intake for Cloudflare Workers (see wrangler.toml): takes webhook POSTs at the edge, writes
 * each delivery to R2 as an archive object of kind `edge`
 * (`<tenant>/<connection>/hooks/edge/<date>/<name>.ndjson.gz`, one gzip NDJSON line: time, query,
 * signature headers, body), and answers at once. The key is built by the archive's own layout
 * (`src/archive/layout.ts`), so the hub's archive lists and reads what the edge wrote.
 * Connector-specific signature checks run in the hub, where the secrets live.
 */
import { EDGE_STREAM, buildKey, isArchiveId } from '../archive/layout.ts';

/** The subset of the R2 binding this worker uses. */
interface R2BucketLike {
  put(
    key: string,
    value: ArrayBuffer,
    options?: { httpMetadata?: { contentType?: string }; customMetadata?: Record<string, string> },
  ): Promise<unknown>;
}

/** Bindings declared in wrangler.toml. */
export interface EdgeEnv {
  ARCHIVE: R2BucketLike;
  /** Largest accepted body in bytes. */
  MAX_BODY_BYTES?: string;
}

/** One webhook delivery as the edge archives it (the one line of its object). */
export interface EdgeDelivery {
  receivedAt: string;
  query: string;
  /** `content-type` and the `x-*` headers (signatures); never cookies or authorization. */
  headers: Record<string, string>;
  body: string;
}

const fail = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status });

/** Handles `POST /hooks/<tenant>/<connection>`; GET is answered for handshakes the hub must see. */
export async function handleEdgeRequest(request: Request, env: EdgeEnv): Promise<Response> {
  const url = new URL(request.url);
  const [, hooks, tenantId, connectionId, ...rest] = url.pathname.split('/');
  if (hooks !== 'hooks' || rest.length || !isArchiveId(tenantId) || !isArchiveId(connectionId))
    return fail(404, 'not_found', 'Use /hooks/<tenant>/<connection>');
  if (request.method !== 'POST') return fail(405, 'method_not_allowed', 'POST only at the edge');
  const limit = Number(env.MAX_BODY_BYTES ?? 1_048_576);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limit) return fail(413, 'payload_too_large', `Limit ${limit} bytes`);
  const now = new Date();
  const key = buildKey({ tenantId, connectionId, stream: EDGE_STREAM, kind: 'edge', at: now });
  const headers: Record<string, string> = {};
  for (const [k, v] of request.headers)
    if (k.startsWith('x-') || k === 'content-type') headers[k] = v;
  const delivery: EdgeDelivery = {
    receivedAt: now.toISOString(),
    query: url.search,
    headers,
    body: new TextDecoder().decode(bytes),
  };
  await env.ARCHIVE.put(key, await gzipLine(delivery), {
    httpMetadata: { contentType: 'application/gzip' },
  });
  return Response.json({ accepted: true, key }, { status: 202 });
}

/** One JSON line, gzip-compressed (the archive's NDJSON format) with the Web Streams API. */
async function gzipLine(value: unknown): Promise<ArrayBuffer> {
  const line = new Blob([`${JSON.stringify(value)}\n`]);
  return new Response(line.stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
}

export default { fetch: handleEdgeRequest };
