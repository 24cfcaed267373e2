import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { MAX_PAGE_SIZE } from '../../src/ops/pagination.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { ingestPage } from '../../src/sync/inbound.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { metaLeads250 } from '../fixtures/meta/leads-245-people.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { shutDown } from '../support/shut-down.ts';

const T = 'paging-motors';
let t: TestHub;
let engine: Engine;
let app: ReturnType<typeof createApp>;
let token: string;
let syncA: string;
let syncB: string;

const get = async (path: string) => {
  const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** Every item of a list, following `next` page by page; also the size of each page. */
async function walk(path: string, limit: number, from: string | null = null) {
  const items: { id: string }[] = [];
  const sizes: number[] = [];
  let cursor: string | null = from;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const q = `${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { status, body } = await get(`${path}${q}`);
    if (status !== 200) throw new Error(`${path}${q}: ${status} ${JSON.stringify(body)}`);
    const page = body as { items: { id: string }[]; next: string | null };
    items.push(...page.items);
    sizes.push(page.items.length);
    cursor = page.next;
  } while (cursor);
  return { ids: items.map((i) => i.id), sizes };
}

beforeAll(async () => {
  t = await openTestHub({ LOG_LEVEL: 'warn' });
  engine = createEngine(t.hub, {
    queueName: `paging-${randomUUID()}`,
    mappings: new DirectoryMappingSource(join(import.meta.dirname, '../../mappings')),
  });
  app = createApp(t.hub, engine.service);
  await t.hub.tenants.create({ id: T, name: 'Paging Motors' });
  token = (await t.hub.apiKeys.create(T, 'admin', 'admin')).token;
  for (const n of [1, 2, 3])
    await t.hub.connections.create(T, {
      connectorId: 'meta',
      name: `meta ${n}`,
      settings: { pageId: `12345678${n}` },
      credentials: { accessToken: 'test-token' },
    });
  const [c] = await t.hub.connections.list(T);
  const add = (name: string) =>
    engine.service.create(T, { name, connectionId: c!.id, mapping: 'meta-leads', mode: 'inbound' });
  syncA = (await add('a')).id;
  syncB = (await add('b')).id;
  const svc = engine.service.svc;
  const sync = await svc.syncs.get(T, syncA);
  const mapping = await svc.mappings.get('meta-leads');
  const scope = {
    sync,
    connector: svc.registry.get('meta'),
    mapping,
    stream: 'leads',
    twoWay: false,
  };
  await ingestPage(
    svc,
    scope,
    metaLeads250().map((l) => ({ ...l })),
  );
  const entry = (syncId: string, n: number) => ({
    tenantId: T,
    syncId,
    connectionId: c!.id,
    direction: 'in' as const,
    stream: 'leads',
    externalKey: `k${n}`,
    record: { n },
    problems: [{ field: 'email', reason: 'invalid email address' }],
  });
  for (let n = 0; n < 12; n++) await svc.quarantine.add([entry(n % 3 === 0 ? syncB : syncA, n)]);
  for (let n = 0; n < 7; n++)
    await svc.runs.finish(await svc.runs.start(T, syncA, 'manual'), 'succeeded');
});
afterAll(() => shutDown(engine, t));

describe('cursor pagination of the API lists', () => {
  it('records: 250 leads in pages of 100, each once, in id order, next null at the end', async () => {
    const { ids, sizes } = await walk(`/v1/tenants/${T}/records/lead`, 100);
    expect(sizes).toEqual([100, 100, 50]);
    expect(new Set(ids).size).toBe(250);
    expect(ids).toEqual([...ids].sort());
    const first = await get(`/v1/tenants/${T}/records/lead?limit=1`);
    expect(first.body.items).toEqual([
      expect.objectContaining({ entity: 'lead', version: 1, fields: expect.any(Object) }),
    ]);
  });

  it('quarantine: oldest first, every entry once, filtered by sync across pages', async () => {
    const all = await walk(`/v1/tenants/${T}/quarantine`, 5);
    expect(all.sizes).toEqual([5, 5, 2]);
    const entries = await engine.service.svc.quarantine.list(T);
    expect(all.ids).toEqual(entries.map((e) => e.id));
    const a = await walk(`/v1/tenants/${T}/quarantine?syncId=${syncA}`, 3);
    expect(a.sizes).toEqual([3, 3, 2]);
    expect(a.ids).toEqual(entries.filter((e) => e.syncId === syncA).map((e) => e.id));
  });

  it('quarantine: a discarded entry leaves the pages, the others keep their place', async () => {
    const entries = await engine.service.svc.quarantine.list(T);
    const page1 = await get(`/v1/tenants/${T}/quarantine?limit=4`);
    await engine.service.svc.quarantine.remove(T, entries[5]!.id);
    const rest = await walk(`/v1/tenants/${T}/quarantine`, 4, page1.body.next as string);
    expect(rest.ids).toEqual(
      entries
        .slice(4)
        .filter((_, i) => i !== 1)
        .map((e) => e.id),
    );
  });

  it('runs: newest first; syncs and connections by id', async () => {
    const runs = await walk(`/v1/tenants/${T}/syncs/${syncA}/runs`, 3);
    expect(runs.sizes).toEqual([3, 3, 1]);
    expect(runs.ids).toEqual((await engine.service.svc.runs.list(T, syncA, 100)).map((r) => r.id));
    expect((await walk(`/v1/tenants/${T}/syncs`, 1)).ids).toEqual([syncA, syncB].sort());
    const conns = await walk(`/v1/tenants/${T}/connections`, 2);
    expect(conns.sizes).toEqual([2, 1]);
    expect(conns.ids).toEqual((await t.hub.connections.list(T)).map((c) => c.id).sort());
  });

  it('refuses a cursor it did not give and a limit past the maximum, naming the field', async () => {
    for (const cursor of ['nope', 'v1.', 'v1.!!', 'v2.bGVk'])
      expect(await get(`/v1/tenants/${T}/records/lead?cursor=${cursor}`)).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_cursor', details: [{ path: 'cursor' }] } },
      });
    expect(await get(`/v1/tenants/${T}/quarantine?limit=${MAX_PAGE_SIZE + 1}`)).toMatchObject({
      status: 422,
      body: { error: { code: 'validation_failed', details: [{ path: 'limit' }] } },
    });
    expect(await get(`/v1/tenants/${T}/records/nothing`)).toMatchObject({
      status: 422,
      body: { error: { details: [{ path: 'entity' }] } },
    });
  });
});
