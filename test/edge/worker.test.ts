import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LocalArchive } from '../../src/archive/local.ts';
import { parseKey } from '../../src/archive/layout.ts';
import { handleEdgeRequest, type EdgeEnv } from '../../src/edge/worker.ts';
import { collect } from '../archive/contract.ts';

/** A stand-in for the R2 binding that stores each object as a file under `root` (R2 cannot run here). */
function folderBucket(root: string) {
  const puts: string[] = [];
  const env: EdgeEnv = {
    ARCHIVE: {
      put: async (key: string, value: ArrayBuffer) => {
        puts.push(key);
        const file = join(root, ...key.split('/'));
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, Buffer.from(value));
      },
    },
    MAX_BODY_BYTES: '64',
  };
  return { env, puts };
}

describe('edge webhook intake', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dl-edge-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a delivery under a key the archive lists and reads back (tenant/connection/hooks/edge/date)', async () => {
    const { env } = folderBucket(dir);
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
    expect(parseKey(key)).toMatchObject({
      layout: 2,
      tenantId: 'acme-ford',
      connectionId: 'c_123',
      stream: 'hooks',
      kind: 'edge',
    });
    const archive = new LocalArchive(dir);
    expect(await collect(archive.list({ tenantId: 'acme-ford', kind: 'edge' }))).toEqual([key]);
    const [stored, ...more] = (await collect(archive.read(key))) as {
      headers: Record<string, string>;
    }[];
    expect(more).toEqual([]);
    expect(stored).toMatchObject({
      body: '{"object":"page"}',
      query: '?secret=s',
      headers: { 'x-hub-signature-256': 'sha256=abc', 'content-type': 'application/json' },
    });
    expect(stored!.headers).not.toHaveProperty('cookie');
  });

  it('refuses other paths, other methods and bodies over the limit (in bytes), storing nothing', async () => {
    const { env, puts } = folderBucket(dir);
    const post = (path: string, body = '{}') =>
      handleEdgeRequest(new Request(`https://e.example.com${path}`, { method: 'POST', body }), env);
    expect((await post('/other/acme/c_1')).status).toBe(404);
    expect((await post('/hooks/../c_1')).status).toBe(404);
    expect((await post('/hooks/Acme/c_1')).status).toBe(404);
    expect((await post('/hooks/acme/c_1/extra')).status).toBe(404);
    expect(
      (await handleEdgeRequest(new Request('https://e.example.com/hooks/acme/c_1'), env)).status,
    ).toBe(405);
    expect((await post('/hooks/acme/c_1', 'x'.repeat(65))).status).toBe(413);
    expect((await post('/hooks/acme/c_1', 'é'.repeat(33))).status).toBe(413); // 66 bytes
    expect(puts).toEqual([]);
  });
});
