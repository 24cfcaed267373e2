import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import adfCrm from '../../connectors/adf-crm/index.ts';
import googleAds from '../../connectors/google-ads/index.ts';
import httpJson from '../../connectors/http-json/index.ts';
import hubspot from '../../connectors/hubspot/index.ts';
import mailchimp from '../../connectors/mailchimp/index.ts';
import metaLeadAds from '../../connectors/meta/index.ts';
import { createApp } from '../../src/api/app.ts';
import { closeServer, listenLoopback } from '../../src/sandbox/loopback.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { testConnection } from '../../src/sync/connection-runtime.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { startWorkers } from '../../src/worker/pool.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';

// Issue 16, "Secrets": a Graph host echoing the URL put the access token into a connection-test
// answer and into run reports a viewer key can read; 18 log lines and a queue job held it too.
// Every connector's calls go to one hostile vendor that answers each request with an error
// echoing its URL, every header and the body (where OAuth sends client secrets and refresh
// tokens). Then every place the hub keeps text is searched for every credential the test used.

const rand = (n: number) => randomBytes(n).toString('hex');
const SECRETS = {
  metaToken: `EAAG${rand(24)}`,
  metaAppSecret: rand(16),
  metaVerify: `verify-${rand(8)}`,
  hubspotToken: `pat-na1-${rand(16)}`,
  mailchimpKey: `${rand(16)}-us21`,
  mailchimpWebhook: `mcwh-${rand(12)}`,
  googleClientId: `${rand(6)}.apps.googleusercontent.com`,
  googleClientSecret: `GOCSPX-${rand(12)}`,
  googleRefresh: `1//0g${rand(20)}`,
  googleDeveloper: `dev-${rand(11)}`,
  googleAccess: `ya29.${rand(24)}`, // issued by the token endpoint below, then sent as Bearer
  adfUser: `dl-user-${rand(4)}`,
  adfPassword: `adf-pass-${rand(10)}`,
  httpToken: `tok-${rand(16)}`,
  httpWebhook: `whsec-${rand(12)}`,
};

/**
 * A key in the CRM intake URL's query string: a setting, so the connection's own record holds
 * it as typed (settings are not sealed), and nothing else may.
 */
const URL_KEY = `key-${rand(10)}`;

/** Every form a secret can leak in: as is, URL-encoded, and basic auth's base64 of user:pass. */
const forms = (): [string, string][] => [
  ...Object.entries(SECRETS),
  ...Object.entries(SECRETS).map(([k, v]): [string, string] => [
    `${k}(url)`,
    encodeURIComponent(v),
  ]),
  ['adf basic', Buffer.from(`${SECRETS.adfUser}:${SECRETS.adfPassword}`).toString('base64')],
  ['mailchimp basic', Buffer.from(`anystring:${SECRETS.mailchimpKey}`).toString('base64')],
  ['adf intake URL key', URL_KEY],
];

/** The hostile vendor: `/<status>/...` answers that status with everything it was sent. */
const vendor = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.url?.startsWith('/token')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: SECRETS.googleAccess, expires_in: 3599 }));
      return;
    }
    const status = Number(/^\/(\d{3})\//.exec(req.url ?? '')?.[1] ?? 400);
    const echo = `${req.method} ${req.url} headers ${JSON.stringify(req.headers)} body ${body}`;
    res.writeHead(status, {
      'content-type': 'application/json',
      'set-cookie': `s=${encodeURIComponent(body)}`,
    });
    res.end(
      JSON.stringify({ error: { code: 'ECHO', message: echo, request: { ...req.headers, body } } }),
    );
  });
});

const MAPPINGS = join(import.meta.dirname, '../../mappings');
let url = '';
let h: EngineHarness;
let source: FakeSystem;
const seen: Record<string, string> = {};

/** Every value under the test hub's keys (job hashes included), by key, as text. */
async function redisText(prefix: string): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await h.hub.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await h.hub.redis.type(key);
      const read: Record<string, () => Promise<unknown>> = {
        string: () => h.hub.redis.getBuffer(key).then((b) => b?.toString('latin1')),
        hash: () => h.hub.redis.hgetall(key),
        list: () => h.hub.redis.lrange(key, 0, -1),
        set: () => h.hub.redis.smembers(key),
        zset: () => h.hub.redis.zrange(key, 0, -1),
        stream: () => h.hub.redis.xrange(key, '-', '+'),
      };
      out.push(`${key} ${JSON.stringify(await read[type]?.())}`);
    }
  } while (cursor !== '0');
  return out.join('\n');
}

/** Every file of the archive folder, as text. */
function archiveText(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${p} ${readFileSync(p, 'latin1')}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

async function connect(connectorId: string, settings: object, credentials: Record<string, string>) {
  const c = await h.hub.connections.create(h.tenantId, {
    connectorId,
    name: connectorId,
    settings: { requestsPerSecond: 4, ...settings },
    credentials,
  });
  return c.id;
}

beforeAll(async () => {
  url = await listenLoopback(vendor);
  source = await new FakeSystem().start();
  const registry = new ConnectorRegistry([
    metaLeadAds,
    hubspot,
    mailchimp,
    googleAds,
    adfCrm,
    httpJson,
  ]);
  h = await openEngineHarness(
    { MAPPINGS_DIR: MAPPINGS },
    { registry, mappings: new DirectoryMappingSource(MAPPINGS) },
  );
}, 120_000);
afterAll(async () => {
  await h?.close();
  await source?.stop();
  await closeServer(vendor);
});

describe('credentials never reach messages, reports, logs, jobs or the archive', () => {
  it('drives connection tests and failing runs of every connector against an echoing vendor', async () => {
    const conns = {
      meta: await connect(
        'meta',
        { graphHost: `${url}/400`, pageId: '104853122299871', adAccountId: 'act_1234567' },
        {
          accessToken: SECRETS.metaToken,
          appSecret: SECRETS.metaAppSecret,
          verifyToken: SECRETS.metaVerify,
        },
      ),
      hubspot: await connect(
        'hubspot',
        { apiHost: `${url}/401` },
        { accessToken: SECRETS.hubspotToken },
      ),
      mailchimp: await connect(
        'mailchimp',
        { baseUrl: `${url}/500/3.0`, listId: 'a1b2c3d4e5' },
        { apiKey: SECRETS.mailchimpKey, webhookSecret: SECRETS.mailchimpWebhook },
      ),
      google: await connect(
        'google-ads',
        { apiHost: `${url}/429`, tokenUrl: `${url}/token`, customerId: '123-456-7890' },
        {
          clientId: SECRETS.googleClientId,
          clientSecret: SECRETS.googleClientSecret,
          refreshToken: SECRETS.googleRefresh,
          developerToken: SECRETS.googleDeveloper,
        },
      ),
      adf: await connect(
        'adf-crm',
        {
          leadIntakeUrl: `${url}/400/adf?store=1&key=${URL_KEY}`,
          auth: { type: 'basic' },
          vendor: { name: 'Acme Ford', email: 'internet@acme.example' },
        },
        { username: SECRETS.adfUser, password: SECRETS.adfPassword },
      ),
      http: await connect(
        'http-json',
        { baseUrl: `${url}/503` },
        { token: SECRETS.httpToken, webhookSecret: SECRETS.httpWebhook },
      ),
      googleToken: await connect(
        'google-ads',
        { apiHost: `${url}/400`, tokenUrl: `${url}/400/token`, customerId: '123-456-7890' },
        {
          clientId: SECRETS.googleClientId,
          clientSecret: SECRETS.googleClientSecret,
          refreshToken: SECRETS.googleRefresh,
          developerToken: SECRETS.googleDeveloper,
        },
      ),
      good: await connect(
        'http-json',
        { baseUrl: source.url },
        { token: SECRETS.httpToken, webhookSecret: SECRETS.httpWebhook },
      ),
    };
    const tests = [];
    for (const [name, id] of Object.entries(conns))
      tests.push(
        await testConnection(h.engine.service.svc, h.tenantId, id).catch(
          (e: { details?: unknown }) => {
            throw new Error(`${name}: ${JSON.stringify(e.details)}`);
          },
        ),
      );
    seen.connectionTests = JSON.stringify(tests);
    // Each failed test says what the vendor answered, not nothing.
    expect(tests.filter((t) => !t.ok).length).toBeGreaterThanOrEqual(5);
    expect(seen.connectionTests).toContain('ECHO');

    // Webhooks carrying secrets in their URL: Mailchimp's ?secret=, Meta's verify handshake.
    const app = createApp(h.hub, h.engine.service);
    const hook = (id: string, query: string, init?: RequestInit) =>
      app.request(`/hooks/${h.tenantId}/${id}?${query}`, init);
    const form =
      'type=unsubscribe&fired_at=2026-11-20+10%3A00%3A00&data[list_id]=a1b2c3d4e5&data[email]=a%40example.com';
    const post = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    };
    const hooks = [
      await hook(conns.mailchimp, `secret=${SECRETS.mailchimpWebhook}`, post),
      await hook(conns.mailchimp, `secret=${SECRETS.mailchimpWebhook}x`, post),
      await hook(
        conns.meta,
        `hub.mode=subscribe&hub.challenge=42&hub.verify_token=${SECRETS.metaVerify}`,
      ),
    ];
    seen.webhookAnswers = JSON.stringify(await Promise.all(hooks.map((r) => r.text())));
    expect(hooks.map((r) => r.status)).toEqual([200, 401, 200]);

    // Leads to send out: read from a working source first.
    const sample = JSON.parse(
      readFileSync(join(MAPPINGS, 'samples/http-json-leads.json'), 'utf8'),
    ) as object;
    source.put('leads', { ...sample, id: 'web-1' });
    const svc = h.engine.service;
    const plan: [keyof typeof conns, string, 'inbound' | 'outbound'][] = [
      ['good', 'http-json-leads', 'inbound'],
      ['meta', 'meta-leads', 'inbound'],
      ['hubspot', 'hubspot-contacts', 'inbound'],
      ['mailchimp', 'mailchimp-members', 'inbound'],
      ['google', 'google-ads-spend', 'inbound'],
      ['http', 'http-json-leads', 'inbound'],
      ['adf', 'adf-lead', 'outbound'],
    ];
    const syncs = [];
    for (const [conn, mapping, mode] of plan)
      syncs.push(
        await svc.create(h.tenantId, { name: mapping, connectionId: conns[conn], mapping, mode }),
      );
    const pool = await startWorkers(h.hub, [h.engine.queue.processor(2)]);
    try {
      for (const s of syncs) await svc.runNow(h.tenantId, s.id);
      const queue = h.engine.queue.queue;
      const settled = async () => {
        const c = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
        return Object.values(c).every((n) => n === 0);
      };
      const started = Date.now();
      while (!(await settled()) && Date.now() - started < 150_000)
        await new Promise((r) => setTimeout(r, 250));
    } finally {
      await pool.close();
    }
    const reports = [];
    for (const s of syncs) reports.push(...(await svc.runs(h.tenantId, s.id)));
    seen.runReports = JSON.stringify(reports);
    // The runs ran and failed with the vendor's answers in their reports (redacted).
    expect(reports.filter((r) => r.status === 'failed').length).toBeGreaterThanOrEqual(5);
    expect(seen.runReports).toContain('ECHO');
    seen.redis = await redisText(h.config.REDIS_PREFIX);
    expect(seen.redis).toContain(':{q}:'); // the queue's job hashes are in what was read
    seen.archive = archiveText(h.config.ARCHIVE_URL);
    seen.logs = h.logText();
    expect(seen.logs.length).toBeGreaterThan(0);
  }, 240_000);

  it.each(['connectionTests', 'webhookAnswers', 'runReports', 'redis', 'archive', 'logs'])(
    'no credential in %s',
    (where) => {
      const lines = seen[where]!.split('\n');
      // The one place a setting is kept as typed: the connection's own record.
      const own = (l: string, secret: string) =>
        secret === URL_KEY && /^\S+:\{[^}]*\}:conn:c_[0-9a-f]+ /.test(l);
      const leaked = forms().flatMap(([name, secret]) =>
        lines
          .filter((l) => l.includes(secret) && !own(l, secret))
          .map((l) => `${name}: ${l.slice(0, 300)}`),
      );
      expect(lines.join('').length).toBeGreaterThan(0);
      expect(leaked).toEqual([]);
    },
  );
});
