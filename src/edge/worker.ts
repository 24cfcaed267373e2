/**
 * Webhook intake for Cloudflare Workers (see wrangler.toml): takes webhook POSTs at the edge, writes
 * each raw payload to R2 under the archive layout, and answers at once. The hub pulls them from
 * the archive. Connector-specific signature checks run in the hub, where the secrets live.
 */

/** The subset of the R2 binding this worker uses. */
interface R2BucketLike {
  put(
    key: string,
    value: string,
    options?: { httpMetadata?: { contentType?: string }; customMetadata?: Record<string, string> },
  ): Promise<unknown>;
}

/** Bindings declared in wrangler.toml. */
export interface EdgeEnv {
  ARCHIVE: R2BucketLike;
  /** Largest accepted body in bytes. */
  MAX_BODY_BYTES?: string;
}

const SEGMENT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Handles `POST /hooks/<tenant>/<connector>`; GET is answered for handshakes the hub must see. */
export async function handleEdgeRequest(request: Request, env: EdgeEnv): Promise<Response> {
  const url = new URL(request.url);
  const [, hooks, tenantId, connectorId] = url.pathname.split('/');
  if (
    hooks !== 'hooks' ||
    !tenantId ||
    !connectorId ||
    !SEGMENT.test(tenantId) ||
    !SEGMENT.test(connectorId)
  ) {
    return Response.json(
      { error: { code: 'not_found', message: 'Use /hooks/<tenant>/<connector>' } },
      { status: 404 },
    );
  }
  if (request.method !== 'POST') {
    return Response.json(
      { error: { code: 'method_not_allowed', message: 'POST only at the edge' } },
      { status: 405 },
    );
  }
  const limit = Number(env.MAX_BODY_BYTES ?? 1_048_576);
  const body = await request.text();
  if (body.length > limit) {
    return Response.json(
      { error: { code: 'payload_too_large', message: `Limit ${limit} bytes` } },
      { status: 413 },
    );
  }
  const now = new Date();
  const day = now.toISOString().slice(0, 10);
  const key = `${tenantId}/${connectorId}/edge/${day}/${now.toISOString().replace(/[:.]/g, '-')}-${crypto.randomUUID()}.json`;
  const headers: Record<string, string> = {};
  for (const [k, v] of request.headers)
    if (k.startsWith('x-') || k === 'content-type') headers[k] = v;
  await env.ARCHIVE.put(
    key,
    JSON.stringify({ receivedAt: now.toISOString(), query: url.search, headers, body }),
    {
      httpMetadata: { contentType: 'application/json' },
    },
  );
  return Response.json({ accepted: true, key }, { status: 202 });
}

export default { fetch: handleEdgeRequest };
