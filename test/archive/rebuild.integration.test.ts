import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectors } from '../../connectors/index.ts';
import type { Archive } from '../../src/archive/archive.ts';
import { rebuildTenant } from '../../src/archive/rebuild.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { ingestPage, type InboundScope } from '../../src/sync/inbound.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { orderMember, type QuarantineEntry } from '../../src/sync/quarantine.ts';
import { SyncService } from '../../src/sync/sync-service.ts';
import type { SyncQueue } from '../../src/sync/sync-queue.ts';
import { ingestArchived } from '../../src/sync/run-sync.ts';
import { createSyncServices, type SyncServices } from '../../src/sync/services.ts';
import type { Sync } from '../../src/sync/types.ts';
import dmsSale from '../../mappings/samples/dms-sales.json' with { type: 'json' };
import hubspotMessy from '../fixtures/hubspot/contacts-search-messy.json' with { type: 'json' };
import { metaLeads250 } from '../fixtures/meta/leads-245-people.ts';
import { dumpValues, openTestHub, scanKeys, type TestHub } from '../support/hub.ts';
import { s3ArchiveOn, startS3Server, type TestS3Server } from '../support/s3-server.ts';

const tenantId = 'rebuild-motors';
const MAPPINGS = join(import.meta.dirname, '../../mappings');

/** What the rebuild must give back: records, ids, access paths, identity, record sets, links. */
const REBUILT = /^(rec|ids|touch|bydate|idx|link|dest):/;
/** The tenant's configuration, which the archive does not hold and a rebuild needs. */
const CONFIG = /^(tenant|settings|apikeys|conns|conn:[^:]+|syncs|sync:[^:]+)$/;

interface World {
  t: TestHub;
  svc: SyncServices;
  s3?: TestS3Server;
  dmsDir: string;
}

async function openWorld(backend: 'local' | 's3'): Promise<World> {
  const t = await openTestHub({ LOG_LEVEL: 'warn' });
  let archive: Archive = t.hub.archive;
  let s3: TestS3Server | undefined;
  if (backend === 's3') {
    s3 = await startS3Server();
    archive = s3ArchiveOn(s3);
  }
  const hub = { ...t.hub, archive };
  const svc = createSyncServices(
    hub,
    new ConnectorRegistry(connectors),
    new DirectoryMappingSource(MAPPINGS),
  );
  return { t, svc, s3, dmsDir: mkdtempSync(join(tmpdir(), 'dl-rebuild-dms-')) };
}

/** What precedes the rest of each of the tenant's keys. */
const tagOf = (w: World) => `${w.t.config.REDIS_PREFIX}:{${tenantId}}:`;

/** Scans every key of the tenant (never KEYS or FLUSHDB: the Redis is shared). */
const tenantKeys = (w: World) => scanKeys(w.t.hub.redis, `${tagOf(w)}*`);

const restOf = (w: World, key: string) => key.slice(tagOf(w).length);

/** Every rebuilt key with its whole content, by what follows the tenant's tag. */
async function dump(w: World): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const [key, value] of await dumpValues(w.t.hub.redis, `${tagOf(w)}*`))
    if (REBUILT.test(restOf(w, key))) out.set(restOf(w, key), value);
  return out;
}

async function addSync(
  w: World,
  connectorId: string,
  settings: Record<string, unknown>,
  credentials: Record<string, string>,
  mappingName: string,
  mode: Sync['mode'],
): Promise<InboundScope> {
  const conn = await w.t.hub.connections.create(tenantId, {
    connectorId,
    name: connectorId,
    settings,
    credentials,
  });
  const mapping = await w.svc.mappings.get(mappingName);
  const sync = await w.svc.syncs.create(tenantId, {
    name: mappingName,
    connectionId: conn.id,
    mapping: mappingName,
    mode,
  });
  const connector = w.svc.registry.get(connectorId);
  return { sync, connector, mapping, stream: mapping.stream, twoWay: mode === 'two-way' };
}

const sale = (n: number, over: Record<string, string>) => ({
  ...dmsSale,
  deal_number: String(30_000 + n),
  ...over,
});

const lead = (id: string, fields: Record<string, string>) => ({
  id,
  created_time: '2026-11-25T15:00:00+0000',
  form_id: '901234567890123',
  campaign_id: '120210000000000002',
  field_data: Object.entries(fields).map(([name, v]) => ({ name, values: [v] })),
});

/**
 * A tenant's life: Meta leads (250 from 245 people) in pages, one lead updated later, HubSpot
 * contacts two-way, DMS deals matched to the leads' people (one with an impossible date), a
 * person first seen by email and by phone apart and then with both (a merge), and a webhook
 * delivery ingested from the archive.
 */
async function playWorld(w: World): Promise<void> {
  await w.t.hub.tenants.create({ id: tenantId, name: 'Rebuild Motors' });
  const meta = await addSync(
    w,
    'meta',
    { pageId: '123456789' },
    { accessToken: 'test-token' },
    'meta-leads',
    'inbound',
  );
  const hubspot = await addSync(
    w,
    'hubspot',
    { apiHost: 'http://127.0.0.1:9', indexLagMs: 0 },
    { accessToken: 'pat-na1-test' },
    'hubspot-contacts',
    'two-way',
  );
  const dms = await addSync(
    w,
    'dms-files',
    { location: { type: 'local', folder: w.dmsDir } },
    {},
    'dms-sales',
    'inbound',
  );
  const leads = metaLeads250().map((l) => ({ ...l }));
  for (let i = 0; i < leads.length; i += 100)
    await ingestPage(w.svc, meta, leads.slice(i, i + 100));
  await ingestPage(w.svc, hubspot, hubspotMessy.results);
  const buyers = leads.slice(0, 12).map((l) => l.field_data[1]!.values[0]!);
  await ingestPage(
    w.svc,
    dms,
    buyers.map((email, n) => sale(n, { email, first_name: `BUYER${n}`, sale_date: '11/27/2026' })),
  );
  await ingestPage(w.svc, dms, [sale(99, { sale_date: '02/30/2026' })]);
  await quarantineLife(w, dms);
  await deadLetterLife(w, hubspot);
  // The same person by email, then by phone, then both: two customers become one.
  await ingestPage(w.svc, meta, [lead('3000000000000001', { email: 'quinn.merge@example.com' })]);
  await ingestPage(w.svc, meta, [lead('3000000000000002', { phone_number: '(512) 555-0177' })]);
  await ingestPage(w.svc, meta, [
    lead('3000000000000003', {
      full_name: 'Quinn Merge',
      email: 'quinn.merge@example.com',
      phone_number: '512-555-0177',
    }),
  ]);
  // A lead corrected later (new phone), and a webhook delivery archived and then ingested.
  const fixed = { ...leads[7]!, field_data: [...leads[7]!.field_data] };
  fixed.field_data[2] = { name: 'phone_number', values: ['(737) 555-0142'] };
  await ingestPage(w.svc, meta, [fixed]);
  const { key } = await w.svc.hub.archive.append(
    { tenantId, connectionId: meta.sync.connectionId, stream: 'leads', kind: 'raw' },
    [lead('3000000000000004', { full_name: 'Webb Hook', email: 'webb.hook@example.com' })],
  );
  await ingestArchived(w.svc, tenantId, meta.sync.id, key!);
}

const dealOf = (e: QuarantineEntry) => String(e.record.deal_number);
/** Entries in entry order (`list` sorts by time only, and entries of one batch share it). */
const inOrder = (entries: QuarantineEntry[]) =>
  entries.map((e) => ({ key: orderMember(e), e })).sort((a, b) => a.key.localeCompare(b.key));

/**
 * Three more refused deals: one discarded, one replayed with a record still wrong (its entry
 * keeps the new reason), one replayed fixed (it leaves the quarantine and the sale is stored).
 * Inbound replays queue nothing, so the service has no queue here.
 */
async function quarantineLife(w: World, dms: InboundScope): Promise<void> {
  await ingestPage(w.svc, dms, [
    sale(96, { sale_date: '02/30/2026' }),
    sale(97, { sale_date: '13/01/2026' }),
    sale(98, { sale_date: '02/31/2026' }),
  ]);
  const entries = await w.svc.quarantine.list(tenantId);
  const of = (n: number) => entries.find((e) => dealOf(e) === String(30_000 + n))!;
  const service = new SyncService(w.svc, {} as SyncQueue);
  await w.svc.quarantine.remove(tenantId, of(98).id);
  const still = await service.replayQuarantined(tenantId, of(97).id, {
    ...of(97).record,
    sale_date: '00/00/2026',
  });
  expect(still.entry).toMatchObject({ replays: 1, record: { sale_date: '00/00/2026' } });
  const fixed = await service.replayQuarantined(tenantId, of(96).id, {
    ...of(96).record,
    sale_date: '11/28/2026',
  });
  expect(fixed).toEqual({ replayed: true, entry: null });
}

/**
 * Dead letters of the HubSpot contacts sink (as a run sets aside items still failing after every
 * attempt): four in two batches, then the second sent again (replayDeadLetter, which queues a
 * run) and the third discarded, so two stay open, one of each batch.
 */
async function deadLetterLife(w: World, hubspot: InboundScope): Promise<void> {
  const { sync } = hubspot;
  const customers = (await w.t.hub.redis.hkeys(w.t.hub.keys.records(tenantId, 'customer'))).sort();
  const letter = (n: number) => ({
    tenantId,
    syncId: sync.id,
    connectionId: sync.connectionId,
    direction: 'out' as const,
    stream: 'contacts',
    externalKey: customers[n]!,
    record: { properties: { email: `dead${n}@example.com`, lifecyclestage: 'lead' } },
    problems: [{ field: '(record)', reason: `HubSpot answered 503 (attempt 5 of 5, item ${n})` }],
  });
  const first = await w.svc.deadLetters.add([letter(0), letter(1)]);
  const second = await w.svc.deadLetters.add([letter(2), letter(3)]);
  const queued: string[] = [];
  const queue = { runNow: async (s: Sync) => void queued.push(s.id) } as unknown as SyncQueue;
  await new SyncService(w.svc, queue).replayDeadLetter(tenantId, first[1]!.id);
  expect(queued).toEqual([sync.id]);
  await w.svc.deadLetters.remove(tenantId, second[0]!.id);
}

describe.each(['local', 's3'] as const)('rebuild from the %s archive', (backend) => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(backend);
  });
  afterAll(async () => {
    await w.t.cleanup();
    await w.s3?.close();
    rmSync(w.dmsDir, { recursive: true, force: true });
  });

  it("after deleting the tenant's keys gives back the same records, indexes and links", async () => {
    await playWorld(w);
    const before = await dump(w);
    // Not an empty world: every kind of key is there, a merge happened, a deal was refused.
    const kinds = new Set([...before.keys()].map((k) => k.split(':')[0]));
    expect([...kinds].sort()).toEqual(['bydate', 'dest', 'ids', 'idx', 'link', 'rec', 'touch']);
    expect(Object.keys(before.get('rec:lead') as object).length).toBe(254);
    // 12 buyers' deals and the one fixed from the quarantine.
    expect(Object.keys(before.get('rec:sale') as object).length).toBe(13);
    expect(Object.keys(before.get('idx:merged') as object)).toHaveLength(1);
    const quarantined = await w.svc.quarantine.list(tenantId);
    expect(quarantined.find((q) => dealOf(q) === '30099')?.problems).toEqual([
      { field: 'saleDate', reason: expect.stringMatching(/02\/30\/2026/) },
    ]);
    const deals = quarantined.filter(
      (q) => q.syncId === quarantined.find((e) => dealOf(e) === '30099')!.syncId,
    );
    expect(deals.map(dealOf).sort()).toEqual(['30097', '30099']);
    const dead = await w.svc.deadLetters.list(tenantId);
    // The first of each batch of two: dead1 was sent again, dead2 discarded.
    expect(dead.map((d) => JSON.stringify(d.record.properties)).sort()).toEqual([
      '{"email":"dead0@example.com","lifecyclestage":"lead"}',
      '{"email":"dead3@example.com","lifecyclestage":"lead"}',
    ]);

    const data = (await tenantKeys(w)).filter((k) => !CONFIG.test(restOf(w, k)));
    await w.t.hub.redis.del(...data);
    expect((await dump(w)).size).toBe(0);

    const report = await rebuildTenant(w.svc, tenantId);
    // Every page's problems are met again and counted, not quarantined again: the open entries
    // are restored from the archive, each as last archived (30097 after its failed replay), the
    // discarded 30098 and the fixed 30096 not.
    const open97 = quarantined.find((q) => dealOf(q) === '30097')!;
    const firstMet = quarantined.filter((q) => q !== open97);
    // 30096-30098 had one problem each when first read; 30097's replay met its current ones.
    const problems = firstMet.reduce((n, q) => n + q.problems.length, 3 + open97.problems.length);
    // 250 Meta leads + 6 HubSpot contacts + 16 deals + 3 merge leads + 1 fix + 1 webhook lead, and
    // the two deals replayed from the quarantine (each its own page).
    expect(report).toEqual({
      tenantId,
      pages: 14,
      records: 279,
      problems,
      quarantine: quarantined.length,
      deadLetters: 2,
      skipped: [],
    });
    expect(inOrder(await w.svc.quarantine.list(tenantId))).toEqual(inOrder(quarantined));
    // The order set is back too: a page lists them all, in entry order (<at>|<id>).
    const paged = await w.svc.quarantine.page(tenantId, { after: null, limit: 100 });
    expect(paged.items.map(orderMember)).toEqual(quarantined.map(orderMember).sort());
    // The open dead letters likewise (ids, record, reason, times, order), not the one sent again
    // nor the discarded one.
    expect(inOrder(await w.svc.deadLetters.list(tenantId))).toEqual(inOrder(dead));
    const deadPaged = await w.svc.deadLetters.page(tenantId, { after: null, limit: 100 });
    expect(deadPaged.items).toEqual(inOrder(dead).map(({ e }) => e));
    const after = await dump(w);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [key, value] of before)
      expect({ key, value: after.get(key) }).toEqual({ key, value });

    // Again: nothing missing, nothing restored; an archived entry that does not read is named.
    const { key } = await w.svc.hub.archive.append(
      { tenantId, connectionId: 'c_gone', stream: 'sales', kind: 'quarantine' },
      [{ id: 'q_unreadable', tenantId }],
    );
    const { key: deadKey } = await w.svc.hub.archive.append(
      { tenantId, connectionId: 'c_gone', stream: 'contacts', kind: 'deadletter' },
      [{ id: 'q_unreadable_dead', tenantId, direction: 'out' }],
    );
    const again = await rebuildTenant(w.svc, tenantId);
    expect([again.quarantine, again.deadLetters]).toEqual([0, 0]);
    expect(again.skipped).toEqual([
      { key, reason: expect.stringMatching(/^quarantine entry q_unreadable: \w+: /) },
      { key: deadKey, reason: expect.stringMatching(/^dead letter q_unreadable_dead: \w+: /) },
    ]);
    expect(inOrder(await w.svc.quarantine.list(tenantId))).toEqual(inOrder(quarantined));
    expect(inOrder(await w.svc.deadLetters.list(tenantId))).toEqual(inOrder(dead));
  });
});
