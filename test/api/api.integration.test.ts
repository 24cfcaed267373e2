import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { ROLES, type Role } from '../../src/auth/roles.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { shutDown } from '../support/shut-down.ts';

let t: TestHub;
let engine: Engine;
let app: ReturnType<typeof createApp>;
const tokens = {} as Record<Role, string>;
let tokenB: string;

const call = (method: string, path: string, token?: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  t = await openTestHub({ BODY_LIMIT_BYTES: '4096' });
  engine = createEngine(t.hub, { queueName: `api-${randomUUID()}` });
  app = createApp(t.hub, engine.service);
  await t.hub.tenants.create({ id: 'store-a', name: 'Acme Ford' });
  await t.hub.tenants.create({ id: 'store-b', name: 'Bayside Toyota' });
  for (const role of ROLES)
    tokens[role] = (await t.hub.apiKeys.create('store-a', role, role)).token;
  tokenB = (await t.hub.apiKeys.create('store-b', 'admin', 'b-admin')).token;
});
afterAll(() => shutDown(engine, t));

describe('health', () => {
  it('answers /healthz and /readyz without a key', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { redis: { ok: true }, archive: { ok: true } },
    });
  });
});

describe('authentication', () => {
  it('refuses missing, malformed, unknown and revoked keys with 401 and the error shape', async () => {
    for (const token of [undefined, 'nope', 'dlk_0000000000000000_' + 'a'.repeat(43)]) {
      const res = await call('GET', '/v1/tenants/store-a', token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized', details: [] } });
    }
    const { token, key } = await t.hub.apiKeys.create('store-a', 'viewer', 'temp');
    expect((await call('GET', '/v1/tenants/store-a', token)).status).toBe(200);
    await t.hub.apiKeys.revoke('store-a', key.id);
    expect((await call('GET', '/v1/tenants/store-a', token)).status).toBe(401);
  });

  it('echoes a request id', async () => {
    const res = await call('GET', '/healthz');
    expect(res.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
  });
});

describe('tenant isolation', () => {
  it('answers 404 for anything of another tenant, reads and writes alike', async () => {
    const conn = await t.hub.connections.create('store-b', {
      connectorId: 'http-json',
      name: 'B CRM',
      settings: { baseUrl: 'https://crm-b.example.com' },
    });
    const attempts: [string, string, unknown?][] = [
      ['GET', '/v1/tenants/store-b'],
      ['GET', '/v1/tenants/store-b/connections'],
      ['GET', `/v1/tenants/store-b/connections/${conn.id}`],
      ['PATCH', `/v1/tenants/store-b/connections/${conn.id}`, { name: 'hijacked' }],
      ['DELETE', `/v1/tenants/store-b/connections/${conn.id}`],
      [
        'POST',
        '/v1/tenants/store-b/connections',
        { connectorId: 'http-json', name: 'x', settings: { baseUrl: 'https://x.example.com' } },
      ],
      ['POST', '/v1/tenants/store-b/api-keys', { role: 'admin', name: 'x' }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(method, path, tokens.admin, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    // A's connection id under A's own path is also unknown.
    expect(
      (await call('GET', `/v1/tenants/store-a/connections/${conn.id}`, tokens.admin)).status,
    ).toBe(404);
    // Nothing changed on B's side.
    expect((await t.hub.connections.get('store-b', conn.id)).name).toBe('B CRM');
    expect((await call('GET', `/v1/tenants/store-b/connections/${conn.id}`, tokenB)).status).toBe(
      200,
    );
    expect(await t.hub.connections.list('store-b')).toHaveLength(1);
  });
});

describe('roles', () => {
  const cases: { what: string; method: string; path: string; body?: unknown; allowed: Role[] }[] = [
    {
      what: 'read tenant',
      method: 'GET',
      path: '/v1/tenants/store-a',
      allowed: ['admin', 'it', 'marketing', 'viewer'],
    },
    {
      what: 'list connections',
      method: 'GET',
      path: '/v1/tenants/store-a/connections',
      allowed: ['admin', 'it', 'marketing', 'viewer'],
    },
    {
      what: 'create connection',
      method: 'POST',
      path: '/v1/tenants/store-a/connections',
      body: {
        connectorId: 'http-json',
        name: 'In-house CRM',
        settings: { baseUrl: 'https://crm.example.com' },
        credentials: { token: 'abc' },
      },
      allowed: ['admin', 'it'],
    },
    {
      what: 'list API keys',
      method: 'GET',
      path: '/v1/tenants/store-a/api-keys',
      allowed: ['admin'],
    },
    {
      what: 'create API key',
      method: 'POST',
      path: '/v1/tenants/store-a/api-keys',
      body: { role: 'viewer', name: 'x' },
      allowed: ['admin'],
    },
  ];
  for (const c of cases) {
    for (const role of ROLES) {
      const allowed = c.allowed.includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} ${c.what}`, async () => {
        const res = await call(c.method, c.path, tokens[role], c.body);
        if (allowed) expect(res.status).toBeLessThan(300);
        else {
          expect(res.status).toBe(403);
          expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
        }
      });
    }
  }
});

describe('connections', () => {
  it('creates, reads, updates and deletes; never returns credentials', async () => {
    const created = await call('POST', '/v1/tenants/store-a/connections', tokens.it, {
      connectorId: 'http-json',
      name: 'In-house CRM',
      settings: { baseUrl: 'https://crm.example.com' },
      credentials: { token: 'pat-na1-secret-value' },
    });
    expect(created.status).toBe(201);
    const conn = (await created.json()) as { id: string; credentialFields: string[] };
    expect(conn.credentialFields).toEqual(['token']);
    expect(JSON.stringify(conn)).not.toContain('pat-na1-secret-value');
    const patched = await call('PATCH', `/v1/tenants/store-a/connections/${conn.id}`, tokens.it, {
      name: 'CRM',
    });
    expect(await patched.json()).toMatchObject({
      name: 'CRM',
      settings: { baseUrl: 'https://crm.example.com' },
    });
    expect(await t.hub.connections.credentials('store-a', conn.id)).toEqual({
      token: 'pat-na1-secret-value',
    });
    expect(
      (await call('DELETE', `/v1/tenants/store-a/connections/${conn.id}`, tokens.it)).status,
    ).toBe(204);
    expect(
      (await call('GET', `/v1/tenants/store-a/connections/${conn.id}`, tokens.it)).status,
    ).toBe(404);
  });

  it('refuses to delete a connection its syncs use, naming them (409 connection_in_use)', async () => {
    const conn = await t.hub.connections.create('store-a', {
      connectorId: 'http-json',
      name: 'Leads feed',
      settings: { baseUrl: 'https://crm.example.com' },
      credentials: { token: 'pat-na1-secret-value' },
    });
    const sync = await engine.service.create('store-a', {
      name: 'leads in',
      connectionId: conn.id,
      mapping: 'http-json-leads',
      mode: 'inbound',
    });
    const path = `/v1/tenants/store-a/connections/${conn.id}`;
    const refused = await call('DELETE', path, tokens.it);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: { code: 'connection_in_use', details: [{ path: 'syncs', message: sync.id }] },
    });
    const syncPath = `/v1/tenants/store-a/syncs/${sync.id}`;
    expect((await call('DELETE', syncPath, tokens.it)).status).toBe(204);
    expect((await call('DELETE', path, tokens.it)).status).toBe(204);
    expect((await call('GET', path, tokens.it)).status).toBe(404);
  });

  it('names every invalid field in one 422', async () => {
    const res = await call('POST', '/v1/tenants/store-a/connections', tokens.it, {
      connectorId: 'Bad Id!',
      credentials: { token: '' },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      error: { code: string; details: { path: string; message: string }[] };
    };
    expect(body.error.code).toBe('validation_failed');
    const paths = body.error.details.map((d) => d.path).sort();
    expect(paths).toEqual(['connectorId', 'credentials.token', 'name']);
    expect(body.error.details.find((d) => d.path === 'connectorId')?.message).toMatch(/lowercase/);
  });

  it("checks settings and credentials against the connector's schemas, naming each field", async () => {
    const unknown = await call('POST', '/v1/tenants/store-a/connections', tokens.it, {
      connectorId: 'nosuch',
      name: 'x',
    });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({
      error: {
        code: 'unknown_connector',
        details: [{ path: 'connectorId', message: expect.stringContaining('http-json') }],
      },
    });
    const bad = await call('POST', '/v1/tenants/store-a/connections', tokens.it, {
      connectorId: 'http-json',
      name: 'x',
      settings: { baseUrl: 'not a url', pageSize: 0 },
      credentials: { webhookSecret: 'short' },
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('invalid_connection');
    expect(body.error.details.map((d) => d.path).sort()).toEqual([
      'credentials.webhookSecret',
      'settings.baseUrl',
      'settings.pageSize',
    ]);
  });

  it('tests a connection with one call to the system: refused credentials mark it broken', async () => {
    const { FakeSystem } = await import('../support/fake-system.ts');
    const system = await new FakeSystem().start();
    try {
      const created = await call('POST', '/v1/tenants/store-a/connections', tokens.it, {
        connectorId: 'http-json',
        name: 'Local CRM',
        settings: { baseUrl: system.url },
        credentials: { token: 't' },
      });
      const { id } = (await created.json()) as { id: string };
      const ok = await call('POST', `/v1/tenants/store-a/connections/${id}/test`, tokens.it);
      expect(await ok.json()).toEqual({
        ok: true,
        message: 'HTTP JSON accepted the credentials',
        status: 'active',
      });
      system.faults = [{ status: 401, times: 5 }];
      const refused = await (
        await call('POST', `/v1/tenants/store-a/connections/${id}/test`, tokens.it)
      ).json();
      expect(refused).toMatchObject({
        ok: false,
        status: 'broken',
        message: expect.stringContaining('401'),
      });
      expect(system.requests.filter((r) => r.status === 401)).toHaveLength(1);
      expect(await t.hub.connections.get('store-a', id)).toMatchObject({ status: 'broken' });
    } finally {
      await system.stop();
    }
  });

  it('refuses malformed JSON and oversized bodies', async () => {
    const bad = await call('POST', '/v1/tenants/store-a/connections', tokens.it, '{"name":');
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(await bad.json()).toHaveProperty('error.code');
    const big = await call('POST', '/v1/tenants/store-a/connections', tokens.it, {
      connectorId: 'http-json',
      name: 'x',
      settings: { blob: 'x'.repeat(10_000) },
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});

describe('API keys through the API', () => {
  it('shows the token once and stores only its hash', async () => {
    const res = await call('POST', '/v1/tenants/store-a/api-keys', tokens.admin, {
      role: 'marketing',
      name: 'Looker',
    });
    expect(res.status).toBe(201);
    const { token, key } = (await res.json()) as { token: string; key: { id: string } };
    expect((await call('GET', '/v1/tenants/store-a', token)).status).toBe(200);
    const listed = await (await call('GET', '/v1/tenants/store-a/api-keys', tokens.admin)).json();
    const secret = token.slice(`dlk_${key.id}_`.length);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const raw = await t.hub.redis.hgetall(t.hub.keys.apiKey(key.id));
    expect(JSON.stringify(raw)).not.toContain(secret);
    expect(
      (await call('DELETE', `/v1/tenants/store-a/api-keys/${key.id}`, tokens.admin)).status,
    ).toBe(200);
    expect((await call('GET', '/v1/tenants/store-a', token)).status).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('publishes a document generated from the route schemas, and a docs page', async () => {
    const doc = (await (await call('GET', '/openapi.json')).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/tenants/{tenantId}/connections',
        '/v1/tenants/{tenantId}/api-keys/{keyId}',
      ]),
    );
    expect(doc.components.schemas).toHaveProperty('ConnectionCreate');
    const docs = await call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });
});

describe('logs', () => {
  it('carry no credentials or tokens', async () => {
    await call('POST', '/v1/tenants/store-a/connections', tokens.it, {
      connectorId: 'http-json',
      name: 'CRM',
      settings: { baseUrl: 'https://crm.example.com' },
      credentials: { token: 'EAAG-very-secret' },
    });
    const text = t.logText();
    expect(text).toContain('"path":"/v1/tenants/store-a/connections"');
    expect(text).not.toContain('EAAG-very-secret');
    for (const token of Object.values(tokens)) expect(text).not.toContain(token);
  });
});
