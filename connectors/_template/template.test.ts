import { createHmac } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openConnection } from '../../src/sync/connection-runtime.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { receiveWebhook } from '../../src/sync/webhook-intake.ts';
import { describeFields } from '../../src/sdk/describe.ts';
import { classifierOfConnector } from '../../src/sdk/error-table.ts';
import { FatalError } from '../../src/sdk/errors.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { openEngineHarness, type EngineHarness } from '../../test/support/engine.ts';
import { FakeAcme } from './fake-acme.ts';
import template from './index.ts';

/**
 * TEMPLATE of a connector's test (docs/connectors.md, "Tests"): the connector registered in a test
 * registry (never the production one), real Redis under the harness's own prefix, and the vendor
 * played by a real loopback server (FakeAcme). Run by test/connectors/template.integration.test.ts.
 */

const KEY = 'acme-key-0123';
const SECRET = 'whsec-0123456789abcdef';
let h: EngineHarness;
let source: FakeAcme;
let dest: FakeAcme;

beforeEach(async () => {
  // Registered in the test only: the template is not in connectors/index.ts.
  const registry = new ConnectorRegistry([template]);
  h = await openEngineHarness(
    {},
    { registry, mappings: new DirectoryMappingSource(import.meta.dirname) },
  );
  source = await new FakeAcme(KEY).start();
  dest = await new FakeAcme(KEY).start();
});
afterEach(async () => {
  await h.close();
  await source.stop();
  await dest.stop();
});

const connect = async (system: FakeAcme) =>
  (
    await h.hub.connections.create(h.tenantId, {
      connectorId: 'template',
      name: `Acme ${system.url}`,
      settings: { baseUrl: system.url, pageSize: 2, requestsPerSecond: 50 },
      credentials: { apiKey: KEY, webhookSecret: SECRET },
    })
  ).id;

const contact = (id: string, at: string, last: string | null) => ({
  id,
  email: `${id}@example.com`,
  first_name: 'jane',
  ...(last ? { last_name: last } : {}),
  updated_at: at,
});

describe('connector template', () => {
  it('describes its settings and credentials for the set-up form', () => {
    expect(describeFields(template.settings).map((f) => [f.name, f.required])).toEqual([
      ['baseUrl', true],
      ['pageSize', false],
      ['requestsPerSecond', false],
    ]);
    expect(describeFields(template.settings)[0]?.example).toBe('https://api.acme.example/v1');
    expect(describeFields(template.credentials).map((f) => f.name)).toEqual([
      'apiKey',
      'webhookSecret',
    ]);
  });

  it('reads in pages with its cursor, then writes out, quarantining what Acme refuses', async () => {
    source.put(contact('c1', '2026-11-01T10:00:00Z', 'doe'));
    source.put(contact('c2', '2026-11-01T10:00:00Z', 'roe'));
    source.put(contact('c3', '2026-11-02T10:00:00Z', null));
    const sourceConn = await connect(source);
    const inbound = await h.addSync({
      connectionId: sourceConn,
      mapping: 'template-contacts',
      mode: 'inbound',
    });
    const svc = h.engine.service.svc;
    const first = await runSync(svc, h.tenantId, inbound.id, 'manual');
    expect(first).toMatchObject({ status: 'succeeded', counts: { read: 3, created: 3 } });
    // Two pages of two (the second one short): the engine kept the cursor of the last page.
    expect(source.requests.filter((r) => r === 'GET /contacts')).toHaveLength(2);
    const saved = (await svc.syncs.cursors(h.tenantId, inbound.id)).inbound;
    expect(JSON.parse(saved!)).toEqual({ updatedAfter: '2026-11-02T10:00:00Z', afterId: 'c3' });

    source.put(contact('c4', '2026-11-03T10:00:00Z', 'poe'));
    const second = await runSync(svc, h.tenantId, inbound.id, 'manual');
    expect(second).toMatchObject({ status: 'succeeded', counts: { read: 1, created: 1 } });

    const outbound = await h.addSync({
      connectionId: await connect(dest),
      mapping: 'template-contacts',
      mode: 'outbound',
    });
    const out = await runSync(svc, h.tenantId, outbound.id, 'manual');
    expect(out).toMatchObject({ status: 'succeeded', counts: { written: 3, quarantined: 1 } });
    // One batch of four refused naming c3's record, then the other three sent again whole.
    expect(dest.requests).toEqual(['POST /contacts/batch', 'POST /contacts/batch']);
    expect([...dest.written.values()].map((r) => r.last_name).sort()).toEqual([
      'Doe',
      'Poe',
      'Roe',
    ]);
    const [entry, ...more] = await svc.quarantine.list(h.tenantId, outbound.id);
    expect(more).toEqual([]);
    expect(entry?.problems).toEqual([{ field: 'last_name', reason: 'last_name is required' }]);
  });

  it('takes signed webhooks announcing ids, reads them by id, and refuses unsigned ones', async () => {
    source.put(contact('c9', '2026-11-05T10:00:00Z', 'doe'));
    const conn = await connect(source);
    const rt = await openConnection(h.hub, h.engine.service.svc.registry, h.tenantId, conn);
    const rawBody = Buffer.from(JSON.stringify({ event: 'contact.updated', ids: ['c9'] }));
    const signature = `sha256=${createHmac('sha256', SECRET).update(rawBody).digest('hex')}`;
    const req = { method: 'POST', headers: { 'x-acme-signature': signature }, query: {}, rawBody };
    expect(await rt.connector.webhook!.handle(rt.ctx, req)).toEqual([
      { kind: 'fetch', stream: 'contacts', ids: ['c9'] },
    ]);
    const read = await rt.connector.streams!.contacts!.readByIds!(rt.ctx, ['c9']);
    expect(read.map((r) => r.id)).toEqual(['c9']);
    expect(source.requests).toContain('GET /contacts/lookup');

    const forged = { ...req, headers: { 'x-acme-signature': 'sha256=00' } };
    await expect(receiveWebhook(h.engine.service, h.tenantId, conn, forged)).rejects.toMatchObject({
      status: 401,
      message: 'webhook: missing or bad X-Acme-Signature',
    });
  });

  it('pages the owners by offset, holds every worker on a spent window, declares its errors', async () => {
    source.owners.push(...['Ann', 'Bob', 'Cy'].map((name, i) => ({ id: `o${i + 1}`, name })));
    const conn = await connect(source);
    const rt = await openConnection(h.hub, h.engine.service.svc.registry, h.tenantId, conn);
    const owners = rt.connector.streams!.owners!;
    const first = await owners.read(rt.ctx, null);
    expect([first.records.map((r) => r.name), first.nextCursor, first.hasMore]).toEqual([
      ['Ann', 'Bob'],
      '{"offset":2}',
      true,
    ]);
    // Acme says the window is spent: the connection's shared bucket in Redis holds every worker.
    source.remaining = 0;
    const last = await owners.read(rt.ctx, first.nextCursor);
    expect([last.records.map((r) => r.name), last.nextCursor, last.hasMore]).toEqual([
      ['Cy'],
      '{"offset":0}',
      false,
    ]);
    const bucket = h.hub.keys.rateBucket(h.tenantId, conn);
    expect(Number(await h.hub.redis.hget(bucket, 'until'))).toBeGreaterThan(0);

    source.suspended = true;
    const failed = await owners.read(rt.ctx, null).catch((e: unknown) => e);
    expect(classifierOfConnector(template)(failed)).toBeInstanceOf(FatalError);
    await expect(owners.read(rt.ctx, '{"offset":-1}')).rejects.toThrow(
      /template owners: the stored cursor is bad: field "offset"/,
    );
  });
});
