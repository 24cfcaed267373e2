import { describe, expect, it } from 'vitest';

import { handleEdgeRequest, type EdgeEnv } from '../../src/edge/worker.ts';

/** An in-memory stand-in for the R2 binding (Workers' R2 cannot run here). */
function memoryBucket() {
  const objects = new Map<string, string>();
  const env: EdgeEnv = {
    ARCHIVE: { put: async (key: string, value: string) => void objects.set(key, value) },
    MAX_BODY_BYTES: '64',
  };
  return { env, objects };
}

describe('edge webhook intake', () => {
  it('stores the raw POST body with its signature headers under tenant/connector/edge/date', async () => {
    const { env, objects } = memoryBucket();
    const res = await handleEdgeRequest(
      new Request('https://edge.example.com/hooks/acme-ford/c_123?secret=s', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': 'sha256=abc',
          cookie: 'no',
        },
        body: '{"object":"page"}',
      }),
      env,
    );
    expect(res.status).toBe(202);
    const { key } = (await res.json()) as { key: string };
    expect(key).toMatch(/^acme-ford\/c_123\/edge\/\d{4}-\d{2}-\d{2}\/.+\.json$/);
    const stored = JSON.parse(objects.get(key)!) as {
      body: string;
      query: string;
      headers: Record<string, string>;
    };
    expect(stored).toMatchObject({
      body: '{"object":"page"}',
      query: '?secret=s',
      headers: { 'x-hub-signature-256': 'sha256=abc' },
    });
    expect(stored.headers).not.toHaveProperty('cookie');
  });

  it('refuses other paths, other methods and bodies over the limit, storing nothing', async () => {
    const { env, objects } = memoryBucket();
    const post = (path: string, body = '{}') =>
      handleEdgeRequest(new Request(`https://e.example.com${path}`, { method: 'POST', body }), env);
    expect((await post('/other/acme/c_1')).status).toBe(404);
    expect((await post('/hooks/../c_1')).status).toBe(404);
    expect(
      (await handleEdgeRequest(new Request('https://e.example.com/hooks/acme/c_1'), env)).status,
    ).toBe(405);
    expect((await post('/hooks/acme/c_1', 'x'.repeat(65))).status).toBe(413);
    expect(objects.size).toBe(0);
  });
});
