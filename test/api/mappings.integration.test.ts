import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { DEFAULT_MAPPINGS_DIR } from '../../src/sync/mapping-source.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { shutDown } from '../support/shut-down.ts';

const NAME = 'http-json-leads';
const SHIPPED = readFileSync(join(DEFAULT_MAPPINGS_DIR, `${NAME}.yaml`), 'utf8');
const SAMPLE = JSON.parse(
  readFileSync(join(DEFAULT_MAPPINGS_DIR, 'samples', `${NAME}.json`), 'utf8'),
) as Record<string, unknown>;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The shipped mapping with the lead's source set to another value. */
const sourceIs = (v: string) => SHIPPED.replace('    value: website\n', `    value: ${v}\n`);
const V1 = sourceIs('dealer-site');
const V2 = sourceIs('dealer-site-v2');

let t: TestHub;
let engine: Engine;
let app: ReturnType<typeof createApp>;
let admin: string;
let viewer: string;
let adminB: string;
let adminKeyId: string;
const A = '/v1/tenants/store-a/mappings';

const call = (
  method: string,
  path: string,
  token: string,
  body?: string | object,
  type = 'application/json',
) =>
  app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': type } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  t = await openTestHub();
  engine = createEngine(t.hub, { queueName: `mappings-api-${randomUUID()}` });
  app = createApp(t.hub, engine.service);
  await t.hub.tenants.create({ id: 'store-a', name: 'Acme Ford' });
  await t.hub.tenants.create({ id: 'store-b', name: 'Bayside Toyota' });
  const made = await t.hub.apiKeys.create('store-a', 'admin', 'it lead');
  [admin, adminKeyId] = [made.token, made.key.id];
  viewer = (await t.hub.apiKeys.create('store-a', 'viewer', 'viewer')).token;
  adminB = (await t.hub.apiKeys.create('store-b', 'admin', 'b')).token;
});
afterAll(() => shutDown(engine, t));

describe('tenant mappings over the API', () => {
  it('PUT saves version 1 (YAML body), 2 (JSON body); the same text again is 200 and no version', async () => {
    const first = await call('PUT', `${A}/${NAME}`, admin, V1, 'application/yaml');
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({
      name: NAME,
      created: true,
      connector: 'http-json',
      entity: 'lead',
      version: { version: 1, hash: sha256(V1), savedBy: `apikey:${adminKeyId}` },
    });
    const second = await call('PUT', `${A}/${NAME}`, admin, { yaml: V2 });
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ version: { version: 2, hash: sha256(V2) } });
    const again = await call('PUT', `${A}/${NAME}`, admin, V2, 'text/plain');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false, version: { version: 2 } });
  });

  it('refuses an invalid save with line:column per error and changes nothing', async () => {
    const bad = V2.replace('transform: [email]', 'transform: [emial]').replace(
      'recordKey: id',
      'recordKey: id\nfieldz: {}',
    );
    const res = await call('PUT', `${A}/${NAME}`, admin, bad, 'application/yaml');
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; details: unknown[] } };
    const lineOf = (s: string) => bad.split('\n').findIndex((l) => l.includes(s)) + 1;
    expect(body.error.code).toBe('invalid_mapping');
    expect(body.error.details).toEqual([
      { path: `${lineOf('fieldz')}:1 fieldz`, message: expect.stringContaining('fieldz') },
      {
        path: expect.stringMatching(
          new RegExp(`^${lineOf('emial')}:\\d+ fields\\.customer\\.email\\.transform\\[0\\]$`),
        ),
        message: expect.stringContaining('"email"'),
      },
    ]);
    const empty = await call('PUT', `${A}/${NAME}`, admin, { yaml: '  ' });
    expect(empty.status).toBe(422);
    expect(await empty.json()).toMatchObject({ error: { details: [{ path: 'yaml' }] } });
    const versions = await (await call('GET', `${A}/${NAME}/versions`, admin)).json();
    expect(versions).toMatchObject({ items: [{ version: 2 }, { version: 1 }], next: null });
    expect(await (await call('GET', `${A}/${NAME}`, admin)).json()).toMatchObject({
      source: 'tenant',
      version: { version: 2 },
      yaml: V2,
    });
  });

  it('shows a version, pages versions and the list (tenant and shipped ones)', async () => {
    const v1 = await (await call('GET', `${A}/${NAME}?version=1`, admin)).json();
    expect(v1).toMatchObject({ source: 'tenant', yaml: V1, version: { version: 1 } });
    expect((await call('GET', `${A}/${NAME}?version=9`, admin)).status).toBe(404);
    const p1 = (await (await call('GET', `${A}/${NAME}/versions?limit=1`, admin)).json()) as {
      items: { version: number }[];
      next: string;
    };
    expect(p1.items.map((v) => v.version)).toEqual([2]);
    const p2 = await (
      await call('GET', `${A}/${NAME}/versions?limit=1&cursor=${p1.next}`, admin)
    ).json();
    expect(p2).toMatchObject({ items: [{ version: 1 }], next: null });
    const names: string[] = [];
    let listed: { name: string; source: string; shipped: boolean }[] = [];
    for (let cursor = ''; ;) {
      const page = (await (await call('GET', `${A}?limit=5${cursor}`, viewer)).json()) as {
        items: typeof listed;
        next: string | null;
      };
      listed = [...listed, ...page.items];
      names.push(...page.items.map((m) => m.name));
      if (!page.next) break;
      cursor = `&cursor=${page.next}`;
    }
    expect(names).toEqual([...names].sort());
    expect(names).toContain('meta-leads');
    expect(listed.find((m) => m.name === NAME)).toMatchObject({ source: 'tenant', shipped: true });
    expect(listed.find((m) => m.name === 'meta-leads')).toMatchObject({ source: 'shipped' });
    expect((await call('GET', `${A}/${NAME}/versions?cursor=v1.Zm9v`, admin)).status).toBe(400);
  });

  it('previews the saved mapping, or unsaved YAML, on records', async () => {
    const res = await call('POST', `${A}/${NAME}/preview`, admin, { records: [SAMPLE] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { value: Record<string, unknown> }[] };
    expect(body.results[0]!.value).toMatchObject({ source: 'dealer-site-v2' });
    const unsaved = await call('POST', `${A}/${NAME}/preview`, admin, {
      records: [SAMPLE],
      yaml: sourceIs('try-out'),
    });
    expect(await unsaved.json()).toMatchObject({ results: [{ value: { source: 'try-out' } }] });
  });

  it('keeps tenants apart and follows roles; DELETE falls back to the shipped file', async () => {
    expect((await call('GET', `${A}/${NAME}`, adminB)).status).toBe(404);
    expect((await call('PUT', `${A}/${NAME}`, adminB, { yaml: V1 })).status).toBe(404);
    const b = await (await call('GET', `/v1/tenants/store-b/mappings/${NAME}`, adminB)).json();
    expect(b).toMatchObject({ source: 'shipped', yaml: SHIPPED, hash: sha256(SHIPPED) });
    expect(
      (await call('GET', `/v1/tenants/store-b/mappings/${NAME}/versions`, adminB)).status,
    ).toBe(404);
    expect((await call('PUT', `${A}/${NAME}`, viewer, { yaml: V1 })).status).toBe(403);
    expect((await call('DELETE', `${A}/${NAME}`, viewer)).status).toBe(403);

    expect((await call('DELETE', `${A}/${NAME}`, admin)).status).toBe(204);
    expect(await (await call('GET', `${A}/${NAME}`, admin)).json()).toMatchObject({
      source: 'shipped',
      yaml: SHIPPED,
    });
    expect((await call('DELETE', `${A}/${NAME}`, admin)).status).toBe(404);
    expect((await call('GET', `${A}/no-such-mapping`, admin)).status).toBe(404);
    // The versions stay; the next save continues their numbering.
    expect(await (await call('GET', `${A}/${NAME}/versions`, admin)).json()).toMatchObject({
      items: [{ version: 2 }, { version: 1 }],
    });
    const third = await call('PUT', `${A}/${NAME}`, admin, { yaml: V1 });
    expect(await third.json()).toMatchObject({ version: { version: 3 } });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const p = '/v1/tenants/{tenantId}/mappings';
    expect(Object.keys(doc.paths[p]!)).toEqual(['get']);
    expect(Object.keys(doc.paths[`${p}/{name}`]!).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths[`${p}/{name}/versions`]).toHaveProperty('get');
    expect(doc.paths[`${p}/{name}/preview`]).toHaveProperty('post');
  });
});
