import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';

import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import adfCrm from '../../connectors/adf-crm/index.ts';
import { validateAdf } from '../../connectors/adf-crm/validate.ts';
import metaLeadAds from '../../connectors/meta/index.ts';
import { createApp } from '../../src/api/app.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { startWorkers } from '../../src/worker/pool.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { closeServer, listenLoopback } from '../../src/sandbox/loopback.ts';

// Acceptance of issue 5: a Meta Lead Ads lead reaches a dealer CRM as valid ADF with its campaign
// context. Meta's Graph API is mocked with nock; the CRM is a real HTTP server on 127.0.0.1; the
// hub (Redis, queue, engine, webhook route) is the real one, with the shipped mappings.

const ROOT = join(import.meta.dirname, '../..');
const MAPPINGS = join(ROOT, 'mappings');
const PAGE = '104853122299871';
const FORM = '1187339126064512';
const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const VERIFY = 'dl-verify-7f3a';
const fixture = (name: string) =>
  readFileSync(join(ROOT, 'connectors/meta/fixtures', name), 'utf8');

/** The local CRM lead intake: records every POST and answers 200. */
class AdfIntake {
  readonly received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      });
    });
    this.url = await listenLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

let h: EngineHarness;
let crm: AdfIntake;
const tenantId = 'acme-honda';

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  h = await openEngineHarness(
    { MAPPINGS_DIR: MAPPINGS },
    {
      registry: new ConnectorRegistry([metaLeadAds, adfCrm]),
      mappings: new DirectoryMappingSource(MAPPINGS),
      tenantId,
      tenantName: 'Acme Honda of Austin',
    },
  );
  crm = await new AdfIntake().start();
});
afterEach(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await h.close();
  await crm.stop();
});

/**
 * Graph API answers for a Page with one lead on its test-drive form: the lead by its leadgen id
 * (what the webhook fetches; the reads are counted, it answers 502 while `down` and waits for
 * `hold` while one is set) and the form's pages (what a pull reads).
 */
function mockGraph(createdTime: string) {
  const page = JSON.parse(fixture('form-leads-page1.json')) as { data: Record<string, unknown>[] };
  const lead = { ...page.data[0]!, created_time: createdTime };
  const graph = nock('https://graph.facebook.com').persist();
  const byId = { reads: 0, down: false, refused: 0, held: 0, hold: null as Promise<void> | null };
  const answer = (): nock.ReplyFnResult => {
    if (byId.down) {
      byId.refused++;
      return [502, { error: { message: 'Bad Gateway', code: 2 } }];
    }
    byId.reads++;
    return [200, lead];
  };
  graph
    .get(`/v25.0/${String(page.data[0]!.id)}`)
    .query(true)
    .reply(async () => {
      if (byId.hold) {
        byId.held++;
        await byId.hold;
      }
      return answer();
    });
  graph.get(`/v25.0/${FORM}`).query(true).reply(200, fixture('form.json'));
  graph.get(`/v25.0/${PAGE}/leadgen_forms`).query(true).reply(200, fixture('leadgen-forms.json'));
  graph
    .get(`/v25.0/${FORM}/leads`)
    .query(true)
    .reply(200, { data: [lead], paging: { cursors: { after: 'end' } } });
  graph
    .get(/\/v25\.0\/(993271845512077|781105238840321)\/leads/)
    .query(true)
    .reply(200, { data: [] });
  return byId;
}

/** The two connections and syncs of a store: Meta leads in, ADF leads out to the CRM. */
async function setUp(debounceMs: number) {
  const metaConn = await h.hub.connections.create(tenantId, {
    connectorId: 'meta',
    name: 'Meta - Acme Honda Page',
    settings: { pageId: PAGE, requestsPerSecond: 50 },
    credentials: {
      accessToken: 'EAAG-page-token-0123456789',
      appSecret: APP_SECRET,
      verifyToken: VERIFY,
    },
  });
  const adfConn = await h.hub.connections.create(tenantId, {
    connectorId: 'adf-crm',
    name: 'CRM lead intake',
    settings: {
      leadIntakeUrl: `${crm.url}/adf/intake?store=4471`,
      auth: { type: 'basic' },
      vendor: { name: 'Acme Honda of Austin', email: 'internet@acmehonda.example' },
      requestsPerSecond: 50,
    },
    credentials: { username: 'dealerloop', password: 'intake-pass-1' },
  });
  const svc = h.engine.service;
  const metaSync = await svc.create(tenantId, {
    name: 'Meta leads in',
    connectionId: metaConn.id,
    mapping: 'meta-leads',
    mode: 'inbound',
    debounceMs,
  });
  const adfSync = await svc.create(tenantId, {
    name: 'Leads to CRM (ADF)',
    connectionId: adfConn.id,
    mapping: 'adf-lead',
    mode: 'outbound',
    debounceMs,
  });
  return { metaConn, metaSync, adfSync };
}

const app = () => createApp(h.hub, h.engine.service);
const sign = (body: string) =>
  `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
const postWebhook = (connectionId: string, body: string, signature = sign(body)) =>
  app().request(`/hooks/${tenantId}/${connectionId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body,
  });
/** A Graph lead time a minute ago, in Graph's `+0000` form. */
const minuteAgo = () => new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, '+0000');

/** Polls `check` every 50 ms until it holds (a liveness wait that names what it waited for). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i > 1_200) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** No job of the test's queue is waiting, delayed or running. */
async function idle(): Promise<boolean> {
  const c = await h.engine.queue.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
  return Object.values(c).every((n) => n === 0);
}

function expectCampaignContext(xml: string) {
  expect(validateAdf(xml)).toEqual([]);
  expect(xml).toContain('<?adf version="1.0"?>');
  expect(xml).toContain('<id source="Meta Lead Ads">1327461758824197</id>');
  expect(xml).toContain('<email>jane.doe@example.com</email>');
  expect(xml).toContain('<name part="first">Jane</name>');
  expect(xml).toContain('Campaign: Q4 Civic Test Drive (id 120215834455660471)');
  expect(xml).toContain(
    'Source: Meta Lead Ads · form: Test Drive - Civic 2026 · ad set: Austin 25mi - Auto Intenders · ad: Civic Carousel - Test Drive',
  );
  expect(xml).toContain('<id source="meta:campaign">120215834455660471</id>');
  expect(xml).toContain('<name>Meta Lead Ads</name>');
  expect(xml).toContain('<service>Q4 Civic Test Drive</service>');
  expect(xml).toContain('<vendorname>Acme Honda of Austin</vendorname>');
  expect(xml).toMatch(/<requestdate>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00<\/requestdate>/);
}

describe('Meta lead → hub → ADF at the CRM', () => {
  it('carries a signed leadgen webhook through both syncs to one valid ADF POST, step by step', async () => {
    const { metaConn, metaSync, adfSync } = await setUp(0);
    mockGraph(minuteAgo());

    const challenge = await app().request(
      `/hooks/${tenantId}/${metaConn.id}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY}`,
    );
    expect(challenge.status).toBe(200);
    expect(await challenge.text()).toBe('1158201444');

    const notification = fixture('leadgen-webhook.json');
    const res = await postWebhook(metaConn.id, notification);
    expect(res.status).toBe(200);

    // The webhook queued a fetch of the announced lead by its leadgen id; reading it wakes the
    // ADF sync at once.
    const processor = h.engine.queue.processor();
    const [pull] = await h.engine.queue.queue.getJobs(['waiting']);
    expect(pull!.name).toBe('fetch');
    expect(pull!.data).toMatchObject({
      syncId: metaSync.id,
      trigger: 'webhook',
      ids: ['1327461758824197'],
    });
    expect(await processor.process(pull!)).toMatchObject({ counts: { read: 1, created: 1 } });
    const [push] = await h.engine.queue.queue.getJobs(['waiting']);
    expect(push!.data).toMatchObject({ syncId: adfSync.id, trigger: 'webhook' });
    expect(await processor.process(push!)).toMatchObject({ counts: { written: 1, failed: 0 } });

    expect(crm.received).toHaveLength(1);
    const [post] = crm.received;
    expect(post!.url).toBe('/adf/intake?store=4471');
    expect(post!.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(post!.headers.authorization).toBe(
      `Basic ${Buffer.from('dealerloop:intake-pass-1').toString('base64')}`,
    );
    expectCampaignContext(post!.body);
  });

  it('has the lead at the CRM by webhook alone with running workers, and a redelivered webhook sends nothing twice', async () => {
    const { metaConn, metaSync, adfSync } = await setUp(500);
    mockGraph(minuteAgo());
    const pool = await startWorkers(h.hub, [h.engine.queue.processor(2)]);
    const runs = (syncId: string) => h.engine.service.svc.runs.list(tenantId, syncId);
    try {
      expect((await postWebhook(metaConn.id, fixture('leadgen-webhook.json'))).status).toBe(200);
      await until(() => crm.received.length > 0, 'the lead at the CRM');
      expect(crm.received).toHaveLength(1);
      expectCampaignContext(crm.received[0]!.body);
      // No schedule moved it: both syncs ran because of the webhook (the "within the minute" of
      // issue 5 is the debounce, not a poll; wall time is not asserted here).
      expect(metaSync.schedule ?? null).toBeNull();
      expect((await runs(adfSync.id)).map((r) => r.trigger)).toEqual(['webhook']);

      // Meta retries deliveries it thinks failed: the same lead is read again, changes nothing.
      expect((await postWebhook(metaConn.id, fixture('leadgen-webhook.json'))).status).toBe(200);
      // Its job is queued (or dropped as a duplicate) before the answer: wait for the queue.
      await until(idle, 'the queue to drain after the redelivery');
      const pulls = await runs(metaSync.id);
      expect(pulls.length).toBeGreaterThanOrEqual(1);
      expect(pulls.every((r) => r.trigger === 'webhook' && r.status === 'succeeded')).toBe(true);
      expect(pulls.reduce((n, r) => n + r.counts.created, 0)).toBe(1); // the lead, stored once
      expect(crm.received).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  it('reads a lead Meta announces late, created before the stream has read past it', async () => {
    const { metaConn, metaSync } = await setUp(0);
    // The scheduled pull has already read up to now: its cursor is past the lead's time.
    await h.engine.service.svc.syncs.saveInboundCursor(
      tenantId,
      metaSync.id,
      JSON.stringify({ since: new Date().toISOString() }),
    );
    const byId = mockGraph('2025-11-20T10:05:04+0000');
    expect((await postWebhook(metaConn.id, fixture('leadgen-webhook.json'))).status).toBe(200);
    const processor = h.engine.queue.processor();
    const [fetch] = await h.engine.queue.queue.getJobs(['waiting']);
    expect(await processor.process(fetch!)).toMatchObject({ counts: { read: 1, created: 1 } });
    expect(byId.reads).toBe(1);
    const [push] = await h.engine.queue.queue.getJobs(['waiting']);
    expect(await processor.process(push!)).toMatchObject({ counts: { written: 1, failed: 0 } });
    expect(crm.received).toHaveLength(1);
    expect(crm.received[0]!.body).toContain('<requestdate>2025-11-20T04:05:04-06:00</requestdate>');
  });

  it('queues one fetch for a delivery repeated while it waits, and processes it once', async () => {
    const { metaConn } = await setUp(0);
    const byId = mockGraph(minuteAgo());
    for (let i = 0; i < 3; i++)
      expect((await postWebhook(metaConn.id, fixture('leadgen-webhook.json'))).status).toBe(200);
    const waiting = await h.engine.queue.queue.getJobs(['waiting']);
    expect(waiting.map((j) => j.name)).toEqual(['fetch']);
    const processor = h.engine.queue.processor();
    expect(await processor.process(waiting[0]!)).toMatchObject({ counts: { read: 1, created: 1 } });
    expect(byId.reads).toBe(1);
  });

  it('queues one more fetch for a delivery that comes while a fetch of the same ids runs', async () => {
    const { metaConn, metaSync } = await setUp(0);
    const byId = mockGraph(minuteAgo());
    let release!: () => void;
    byId.hold = new Promise<void>((r) => (release = r));
    const queue = h.engine.queue.queue;
    const pool = await startWorkers(h.hub, [h.engine.queue.processor(2)]);
    try {
      expect((await postWebhook(metaConn.id, fixture('leadgen-webhook.json'))).status).toBe(200);
      await until(() => byId.held === 1, 'the first fetch to be reading the lead');
      // The running fetch may have read the lead before this delivery: one more is kept for after.
      expect((await postWebhook(metaConn.id, fixture('leadgen-webhook.json'))).status).toBe(200);
      expect((await postWebhook(metaConn.id, fixture('leadgen-webhook.json'))).status).toBe(200);
      expect(await queue.getJobCounts('active', 'waiting')).toMatchObject({
        active: 1,
        waiting: 0,
      });
      byId.hold = null;
      release();
      await until(() => crm.received.length > 0, 'the lead at the CRM');
      await until(idle, 'the queue to drain');
      const fetched = (await queue.getJobs(['completed'])).filter((j) => j.name === 'fetch');
      expect(fetched).toHaveLength(2);
      expect(byId.reads).toBe(2);
      expect(crm.received).toHaveLength(1);
      const runs = await h.engine.service.svc.runs.list(tenantId, metaSync.id);
      expect(runs.reduce((n, r) => n + r.counts.created, 0)).toBe(1);
    } finally {
      release(); // a failed check must not leave the worker waiting on the held read
      await pool.close();
    }
  });

  it('reads a redelivered lead after an earlier fetch of it failed all its attempts (vendor 5xx)', async () => {
    const { metaConn, metaSync } = await setUp(0);
    const byId = mockGraph(minuteAgo());
    byId.down = true;
    const queue = h.engine.queue.queue;
    const pool = await startWorkers(h.hub, [h.engine.queue.processor(1)]);
    try {
      expect((await postWebhook(metaConn.id, fixture('leadgen-webhook.json'))).status).toBe(200);
      await until(
        async () => (await queue.getJobCounts('failed')).failed === 1,
        'the fetch to fail',
      );
      const [failed] = await queue.getJobs(['failed']);
      expect(failed!.name).toBe('fetch');
      expect(failed!.attemptsMade).toBe(failed!.opts.attempts);
      expect(byId.refused).toBeGreaterThanOrEqual(failed!.attemptsMade);
      expect(byId.reads).toBe(0);
      expect(crm.received).toHaveLength(0);

      // The vendor is back; Meta delivers the same notification again: a new fetch reads the lead.
      byId.down = false;
      expect((await postWebhook(metaConn.id, fixture('leadgen-webhook.json'))).status).toBe(200);
      await until(() => crm.received.length > 0, 'the lead at the CRM after the redelivery');
      await until(idle, 'the queue to drain');
      expect(byId.reads).toBe(1);
      expect(crm.received).toHaveLength(1);
      expectCampaignContext(crm.received[0]!.body);
      const fetched = (await queue.getJobs(['completed'])).filter((j) => j.name === 'fetch');
      expect(fetched.map((j) => j.data.ids)).toEqual([['1327461758824197']]);
      const lead = await h.engine.service.svc.runs.list(tenantId, metaSync.id);
      expect(lead.reduce((n, r) => n + r.counts.created, 0)).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('refuses a badly signed webhook with 401 and queues nothing', async () => {
    const { metaConn } = await setUp(0);
    const res = await postWebhook(
      metaConn.id,
      fixture('leadgen-webhook.json'),
      `sha256=${'0'.repeat(64)}`,
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'bad_signature' } });
    expect(await h.engine.queue.queue.count()).toBe(0);
    const wrongToken = await app().request(
      `/hooks/${tenantId}/${metaConn.id}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess`,
    );
    expect(wrongToken.status).toBe(401);
  });
});
