import { request as httpRequest, Agent } from 'node:http';
import type { Socket } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseAdf } from '../../connectors/adf-crm/parse.ts';
import { startApi, type ApiServer } from '../../src/api/server.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { MAX_XML_DEPTH } from '../../src/sdk/xml-guard.ts';
import { TEST_MAPPINGS } from '../support/engine.ts';
import { openTestHub, scanKeys, type TestHub } from '../support/hub.ts';
import { shutDown } from '../support/shut-down.ts';

// Hostile input at the HTTP edge, over a real server on loopback: ids that would reach another
// key type, schedules the queue cannot run, XML bombs at the ADF webhook, an oversized body on a
// keep-alive connection. Every refusal is a 4xx naming the field, and nothing is stored.
let t: TestHub;
let engine: Engine;
let api: ApiServer;
let base = '';
let token = '';
let connectionId = '';
let adfId = '';
let signedId = '';
const HOOK_TOKEN = 'whk-hostile-0123456789';
const HOOK_SECRET = 'whsec-hostile-0123456789';

beforeAll(async () => {
  t = await openTestHub({ BODY_LIMIT_BYTES: '4096', MAPPINGS_DIR: TEST_MAPPINGS });
  engine = createEngine(t.hub, { queueName: `hostile-${randomUUID()}` });
  api = await startApi(t.hub, engine.service, 0);
  base = `http://127.0.0.1:${api.port}`;
  await t.hub.tenants.create({ id: 'store-a', name: 'Acme Ford' });
  token = (await t.hub.apiKeys.create('store-a', 'admin', 'admin')).token;
  connectionId = (
    await t.hub.connections.create('store-a', {
      connectorId: 'http-json',
      name: 'CRM',
      settings: { baseUrl: 'https://crm.example.com' },
      credentials: {},
    })
  ).id;
  adfId = (
    await t.hub.connections.create('store-a', {
      connectorId: 'adf-crm',
      name: 'Leads',
      settings: {
        leadIntakeUrl: 'https://crm.example.com/adf',
        vendor: { name: 'Acme', phone: '5125550000' },
      },
      credentials: { webhookToken: HOOK_TOKEN },
    })
  ).id;
});
afterAll(() => shutDown(api, engine, t));

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
type ErrorBody = { error: { code: string; details: { path: string; message: string }[] } };

describe('ids are checked by one pattern at the edge', () => {
  it.each([
    '/v1/tenants/store-a/syncs/s_1:runs',
    '/v1/tenants/store-a:x/syncs',
    '/v1/tenants/store-a/connections/%7Bq%7D',
    '/v1/tenants/store-a/runs/r%3A1',
    `/hooks/store-a/c_1:x`,
  ])('%s answers 400 invalid_id, never 500', async (path) => {
    const res = await call(path.startsWith('/hooks') ? 'POST' : 'GET', path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid_id');
    expect(body.error.details[0]?.message).toMatch(/is not an id/);
  });
});

describe('a sync whose schedule cannot run is refused and not stored', () => {
  it.each([
    ['schedule', { schedule: '61 * * * *' }],
    ['schedule', { schedule: '* * * * * * *' }],
    ['timezone', { schedule: '*/15 * * * *', timezone: 'Mars/Olympus_Mons' }],
  ])('bad %s → 4xx naming the field', async (field, over) => {
    const res = await call('POST', '/v1/tenants/store-a/syncs', {
      name: 'Contacts',
      connectionId,
      mapping: 'crm-a-contacts',
      mode: 'inbound',
      ...over,
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.details.map((d) => d.path)).toContain(field);
    expect(await scanKeys(t.hub.redis, `${t.config.REDIS_PREFIX}:*sync*`)).toEqual([]);
    const list = (await (await call('GET', '/v1/tenants/store-a/syncs')).json()) as {
      items: unknown[];
    };
    expect(list.items).toEqual([]);
  });
});

describe('the ADF webhook refuses XML bombs with 400', () => {
  const post = (xml: string) =>
    fetch(`${base}/hooks/store-a/${adfId}?token=${HOOK_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
  const prospect =
    '<prospect><customer><contact><name part="full">A B</name></contact></customer></prospect>';

  it('an external-entity DOCTYPE', async () => {
    const res = await post(
      `<?xml version="1.0"?><!DOCTYPE adf [<!ENTITY x SYSTEM "file:///etc/passwd">]><adf>${prospect}</adf>`,
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/DOCTYPE/);
  });

  it('nesting deeper than MAX_XML_DEPTH', async () => {
    const n = MAX_XML_DEPTH + 1;
    const res = await post(`<adf>${'<x>'.repeat(n)}${'</x>'.repeat(n)}${prospect}</adf>`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/deeper than 64/);
  });

  it('100,000-deep nesting (past the body limit here, so the parser is asked directly)', () => {
    const n = 100_000;
    expect(() => parseAdf(`<adf>${'<x>'.repeat(n)}${'</x>'.repeat(n)}</adf>`)).toThrow(
      PermanentError,
    );
  });

  it('still takes an ordinary document', async () => {
    const res = await post(`<?xml version="1.0"?><?ADF VERSION="1.0"?><adf>${prospect}</adf>`);
    expect(res.status).toBe(200);
  });
});

describe('keep-alive after a 413', () => {
  it('the connection that sent a too-large body serves the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<Socket>();
    const send = (method: string, path: string, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, {
          method,
          agent,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        });
        req.on('socket', (s) => sockets.add(s));
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    const big = JSON.stringify({ name: 'x'.repeat(10_000) });
    expect(await send('POST', '/v1/tenants/store-a/connections', big)).toBe(413);
    expect(await send('GET', '/healthz')).toBe(200);
    expect(await send('POST', '/v1/tenants/store-a/connections', big)).toBe(413);
    expect(await send('GET', '/v1/tenants/store-a/connections')).toBe(200);
    expect(sockets.size).toBe(1);
    agent.destroy();
  });
});

describe('a hostile-input corpus at a signed JSON webhook', () => {
  beforeAll(async () => {
    signedId = (
      await t.hub.connections.create('store-a', {
        connectorId: 'http-json',
        name: 'Signed CRM',
        settings: { baseUrl: 'https://crm.example.com' },
        credentials: { webhookSecret: HOOK_SECRET },
      })
    ).id;
    await engine.service.create('store-a', {
      name: 'Contacts in',
      connectionId: signedId,
      mapping: 'crm-a-contacts',
      mode: 'inbound',
    });
  });
  const sign = (body: string) =>
    `sha256=${createHmac('sha256', HOOK_SECRET).update(body).digest('hex')}`;
  const hook = (body: string, headers: Record<string, string>, id = signedId) =>
    fetch(`${base}/hooks/store-a/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const jobs = () => engine.queue.queue.getJobCounts('waiting', 'delayed', 'active');
  const good = '{"stream":"contacts","records":[{"id":"c1","email":"a@example.com"}]}';

  const corpus: [string, string, string | null, number, RegExp][] = [
    // what, body, signature (null: the body's own), status, reason
    ['no signature', good, '', 401, /"bad_signature".*missing or bad X-DealerLoop-Signature/],
    [
      'a signature of another body',
      good,
      sign('{}'),
      401,
      /"bad_signature".*missing or bad X-DealerLoop-Signature/,
    ],
    [
      'a signature in another form',
      good,
      'md5=0',
      401,
      /"bad_signature".*missing or bad X-DealerLoop-Signature/,
    ],
    ['not JSON', '{"stream":', null, 400, /not JSON/],
    ['a JSON array', '[1,2]', null, 400, /webhook: \(body\)/],
    ['null', 'null', null, 400, /webhook: \(body\)/],
    ['no stream', '{"records":[]}', null, 400, /webhook: stream/],
    ['records not a list', '{"stream":"contacts","records":{"a":1}}', null, 400, /records/],
    ['a record that is a string', '{"stream":"contacts","records":["x"]}', null, 400, /records\.0/],
    ['an empty body', '', null, 400, /not JSON/],
    ['UTF-16 garbage', '\ufeff\u0000\ud800', null, 400, /not JSON/],
  ];
  it.each(corpus)('%s: refused, nothing queued', async (_what, body, signature, status, reason) => {
    const before = await jobs();
    const res = await hook(body, { 'x-dealerloop-signature': signature ?? sign(body) });
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(reason);
    expect(await jobs()).toEqual(before);
  });

  it('a connection with no webhook secret refuses every delivery', async () => {
    const res = await hook(good, { 'x-dealerloop-signature': sign(good) }, connectionId);
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/no webhookSecret/);
  });

  it('an unknown connection answers 404, not 500', async () => {
    const res = await hook(good, { 'x-dealerloop-signature': sign(good) }, 'c_nope');
    expect(res.status).toBe(404);
  });

  it('__proto__ and constructor keys in a record are data, not the prototype', async () => {
    const body =
      '{"stream":"contacts","records":[{"id":"p1","email":"p1@example.com","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}]}';
    const res = await hook(body, { 'x-dealerloop-signature': sign(body) });
    expect(res.status).toBe(200);
    const [job] = await engine.queue.queue.getJobs(['waiting']);
    expect(job?.name).toBe('webhook');
    const outcome = (await engine.queue.processor().process(job!)) as { counts: unknown };
    expect(outcome.counts).toMatchObject({ read: 1, created: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    await job!.remove();
  });
});
