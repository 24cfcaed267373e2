import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';
import { parsePromText, sumOf } from '../support/prom-text.ts';
import { shutDown } from '../support/shut-down.ts';

let h: EngineHarness;
let system: FakeSystem;
let app: ReturnType<typeof createApp>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  h = await openEngineHarness();
  system = await new FakeSystem().start();
  app = createApp(h.hub, h.engine.service);
  for (const role of ['admin', 'it'] as const)
    tokens[role] = (await h.hub.apiKeys.create(h.tenantId, role, role)).token;
  tokens.hub = (await h.hub.apiKeys.createFor({ scope: 'hub', id: '' }, 'admin', 'hub')).token;
});
afterAll(() => shutDown(h, system));

const get = (path: string, token?: string) =>
  app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('/docs', () => {
  it('serves Swagger UI from node_modules: every script and stylesheet is local and answers', async () => {
    const html = await (await get('/docs')).text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref).toMatch(/^\/assets\//);
      const res = await get(ref);
      expect(res.status, ref).toBe(200);
      expect((await res.arrayBuffer()).byteLength, ref).toBeGreaterThan(20);
    }
    expect(await (await get('/assets/swagger-ui-bundle.js')).text()).toContain('SwaggerUIBundle');
    expect((await get('/assets/nope.js')).status).toBe(404);
  });
});

describe('/metrics', () => {
  it('parses as Prometheus text, and its record counters and run histogram move when a sync runs', async () => {
    const before = parsePromText(await (await get('/metrics')).text());
    for (let i = 0; i < 3; i++)
      system.put('contacts', {
        id: `m-${i}`,
        email: `m${i}@example.com`,
        updated_at: '2026-11-20T10:00:00Z',
      });
    system.put('contacts', {
      id: 'm-bad',
      email: 'not an email',
      updated_at: '2026-11-20T10:00:00Z',
    });
    const sync = await h.addSync({
      connectionId: await h.connect('http-json', system),
      mapping: 'crm-a-contacts',
      mode: 'two-way',
    });
    const run = await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual');
    expect(run?.counts).toMatchObject({ read: 4, created: 3, quarantined: 1 });
    const res = await get('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const after = parsePromText(await res.text());
    const delta = (name: string, match: Record<string, string>) =>
      sumOf(after, name, match) - sumOf(before, name, match);
    const labels = { connector: 'http-json', stream: 'contacts' };
    expect(delta('dealerloop_records_total', { ...labels, direction: 'in', outcome: 'read' })).toBe(
      4,
    );
    expect(
      delta('dealerloop_records_total', { ...labels, direction: 'in', outcome: 'created' }),
    ).toBe(3);
    expect(
      delta('dealerloop_records_total', { ...labels, direction: 'in', outcome: 'quarantined' }),
    ).toBe(1);
    expect(
      delta('dealerloop_records_total', { ...labels, direction: 'out', outcome: 'written' }),
    ).toBe(run!.counts.written);
    expect(
      delta('dealerloop_run_duration_seconds_count', {
        connector: 'http-json',
        status: 'succeeded',
      }),
    ).toBe(1);
    expect(sumOf(after, 'dealerloop_queue_jobs', { state: 'waiting' })).toBeGreaterThanOrEqual(0);
    expect(
      after.some(
        (s) => s.name === 'dealerloop_change_log_lag_seconds' && s.labels.sync === sync.id,
      ),
    ).toBe(true);
  });

  it('counts vendor errors by class and 429s', async () => {
    const before = parsePromText(await (await get('/metrics')).text());
    system.faults.push({ status: 429, times: 2, retryAfter: 0 });
    const sync = await h.addSync({
      connectionId: await h.connect('http-json', system),
      mapping: 'crm-a-contacts',
      mode: 'inbound',
    });
    await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual');
    const after = parsePromText(await (await get('/metrics')).text());
    const d = (name: string, m: Record<string, string>) =>
      sumOf(after, name, m) - sumOf(before, name, m);
    expect(d('dealerloop_vendor_429_total', { connector: 'http-json' })).toBe(2);
    expect(
      d('dealerloop_vendor_errors_total', { connector: 'http-json', class: 'retryable' }),
    ).toBe(2);
  });
});

describe('/admin/queues', () => {
  it("is the queue board for hub admin keys only: a store's admin key gets 403 (every tenant's jobs are on it), no key 401", async () => {
    expect((await get('/admin/queues')).status).toBe(401);
    expect((await get('/admin/queues', tokens.it)).status).toBe(403);
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const refused = await get(path, tokens.admin);
      expect(refused.status, path).toBe(403);
      expect(await refused.json()).toMatchObject({
        error: { message: expect.stringContaining('hub admin key') },
      });
    }
    const page = await get('/admin/queues', tokens.hub);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('DealerLoop queues');
    const api = await get('/admin/queues/api/queues', tokens.hub);
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain(h.engine.queue.queue.name);
  });
});
