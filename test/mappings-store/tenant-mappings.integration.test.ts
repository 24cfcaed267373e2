import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runSync } from '../../src/sync/run-sync.ts';
import { SYNC_QUEUE } from '../../src/sync/sync-queue.ts';
import type { RunReport } from '../../src/sync/types.ts';
import { openEngineHarness, TEST_MAPPINGS, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';
import { spawnWorker, until } from '../support/worker-process.ts';

const NAME = 'crm-a-contacts';
const SHIPPED = readFileSync(join(TEST_MAPPINGS, `${NAME}.yaml`), 'utf8');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The shipped mapping with the last name read from another field of the CRM's contacts. */
const lastNameFrom = (field: string) =>
  SHIPPED.replace('    from: last_name\n', `    from: ${field}\n`);
const V1 = lastNameFrom('surname');
const V2 = lastNameFrom('family_name');

let h: EngineHarness;
let source: FakeSystem;
const masterKey = randomBytes(32).toString('hex');

beforeEach(async () => {
  h = await openEngineHarness({ HUB_MASTER_KEY: masterKey }, { queueName: SYNC_QUEUE });
  await h.hub.tenants.create({ id: 'store-b', name: 'Bayside Toyota' });
  source = await new FakeSystem().start();
});
afterEach(async () => {
  await h.close();
  await source.stop();
});

const mappings = () => h.engine.service.svc.mappings;
const save = (yaml: string, tenantId = h.tenantId) =>
  mappings().save(tenantId, NAME, yaml, 'cli:test');

/** Puts contact `id` in the CRM, with a different last name in each field a mapping may read. */
function putContact(id: string) {
  source.put('contacts', {
    id,
    email: `${id}@example.com`,
    first_name: 'ana',
    last_name: 'from-last_name',
    surname: 'from-surname',
    family_name: 'from-family_name',
    updated_at: '2026-11-20T10:00:00Z',
  });
}

/** The canonical customer contact `id` became. */
async function customerOf(sync: { connectionId: string }, id: string) {
  const links = h.hub.keys.links(h.tenantId, sync.connectionId, 'contacts');
  const canonicalId = await h.hub.redis.hget(links, id);
  return (await h.engine.service.svc.records.get(h.tenantId, 'customer', canonicalId!))!.f;
}

async function contactsSync() {
  return h.addSync({
    connectionId: await h.connect('http-json', source),
    mapping: NAME,
    mode: 'inbound',
  });
}

describe('tenant mapping store', () => {
  it('saves version 1, then 2; the same text again changes nothing; versions newest first', async () => {
    const first = await save(V1);
    expect(first).toMatchObject({ ok: true, created: true, version: { version: 1 } });
    expect(first.ok && first.version).toMatchObject({ hash: sha256(V1), savedBy: 'cli:test' });
    expect(await save(V2)).toMatchObject({ ok: true, created: true, version: { version: 2 } });
    expect(await save(V2)).toMatchObject({ ok: true, created: false, version: { version: 2 } });
    const versions = await mappings().store.versions(h.tenantId, NAME, null, 10);
    expect(versions.map((v) => [v.version, v.hash])).toEqual([
      [2, sha256(V2)],
      [1, sha256(V1)],
    ]);
    expect((await mappings().version(h.tenantId, NAME, 1)).yaml).toBe(V1);
    expect((await mappings().version(h.tenantId, NAME)).yaml).toBe(V2);
  });

  it('refuses an invalid save with file:line:column and changes nothing', async () => {
    await save(V1);
    const bad = V2.replace('transform: [trim, title]', 'transform: [trim, titel]');
    const refused = await save(bad);
    expect(refused.ok).toBe(false);
    const lines = refused.ok ? [] : refused.errors.map((e) => e.format());
    const line = bad.split('\n').findIndex((l) => l.includes('titel')) + 1;
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${NAME}\\.yaml:${line}:\\d+ fields\\.firstName\\.transform\\[1\\]: .*titel.*title`,
        ),
      ),
    ]);
    // Another connector under a name the shipped file gives: refused at the connector key.
    const other = await save(V2.replace('connector: http-json', 'connector: crm-b'));
    expect(other.ok ? [] : other.errors.map((e) => e.format())).toEqual([
      expect.stringMatching(
        /^crm-a-contacts\.yaml:2:12 connector: mapping "crm-a-contacts" has connector "http-json"/,
      ),
    ]);
    // A pattern that backtracks catastrophically is refused as `mapping validate` refuses it.
    const redos = await save(
      V2.replace('    from: phone\n', '    from: phone\n    when: { matches: "^(a+)+$" }\n'),
    );
    expect(redos.ok).toBe(false);
    expect(await mappings().store.latest(h.tenantId, NAME)).toEqual({
      version: 1,
      hash: sha256(V1),
    });
    expect(await mappings().store.versions(h.tenantId, NAME, null, 10)).toHaveLength(1);
  });

  it("a run uses the tenant's latest version and says so; delete falls back to the shipped file", async () => {
    const sync = await contactsSync();
    putContact('c-1');
    const shipped = await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual');
    expect(shipped!.mapping).toEqual({ name: NAME, source: 'shipped', hash: sha256(SHIPPED) });
    expect((await customerOf(sync, 'c-1')).lastName).toBe('From-Last_name');

    await save(V1);
    await save(V2);
    putContact('c-2');
    const own = await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual');
    expect(own!.mapping).toEqual({ name: NAME, source: 'tenant', version: 2, hash: sha256(V2) });
    expect(own!.counts).toMatchObject({ read: 1, created: 1 });
    expect((await customerOf(sync, 'c-2')).lastName).toBe('From-Family_name');
    // The run history (what `sync runs` and the API show) keeps it.
    const listed = await h.engine.service.runs(h.tenantId, sync.id);
    expect(listed[0]!.mapping).toMatchObject({ source: 'tenant', version: 2 });

    await mappings().remove(h.tenantId, NAME, 'cli:test');
    putContact('c-3');
    const back = await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual');
    expect(back!.mapping).toEqual({ name: NAME, source: 'shipped', hash: sha256(SHIPPED) });
    expect((await customerOf(sync, 'c-3')).lastName).toBe('From-Last_name');
    // Deleted: the versions stay readable; the next save goes on from the last number.
    expect(await mappings().store.versions(h.tenantId, NAME, null, 10)).toHaveLength(2);
    expect(await save(V1)).toMatchObject({ ok: true, version: { version: 3 } });
    await expect(mappings().remove(h.tenantId, 'no-such-mapping', 'x')).rejects.toMatchObject({
      status: 404,
    });
  });

  it("tenant A's mapping is invisible to tenant B", async () => {
    await save(V1);
    await save(V2);
    expect((await mappings().get(NAME, h.tenantId)).origin).toEqual({
      source: 'tenant',
      version: 2,
    });
    expect((await mappings().get(NAME, 'store-b')).origin).toEqual({ source: 'shipped' });
    expect((await mappings().get(NAME, 'store-b')).hash).toBe(sha256(SHIPPED));
    await expect(mappings().version('store-b', NAME)).rejects.toMatchObject({ status: 404 });
    const listB = await mappings().list('store-b');
    expect(listB.find((m) => m.name === NAME)).toMatchObject({ source: 'shipped' });
    const listA = await mappings().list(h.tenantId);
    expect(listA.find((m) => m.name === NAME)).toMatchObject({
      source: 'tenant',
      shipped: true,
      latest: { version: 2 },
    });
    // A sync can name a mapping only the tenant has; another tenant's sync cannot.
    await mappings().save(h.tenantId, 'own-contacts', V2, 'cli:test');
    const connectionId = await h.connect('http-json', source);
    const own = await h.addSync({ connectionId, mapping: 'own-contacts', mode: 'inbound' });
    expect(own.mapping).toBe('own-contacts');
    const connB = await h.hub.connections.create('store-b', {
      connectorId: 'http-json',
      name: 'B',
      settings: { baseUrl: source.url },
    });
    await expect(
      h.engine.service.create('store-b', {
        name: 'x',
        connectionId: connB.id,
        mapping: 'own-contacts',
        mode: 'inbound',
      }),
    ).rejects.toMatchObject({ status: 422, code: 'unknown_mapping' });
    // B saving its own leaves A's as it was.
    expect(await save(V1, 'store-b')).toMatchObject({ ok: true, version: { version: 1 } });
    expect(await mappings().store.latest(h.tenantId, NAME)).toMatchObject({ version: 2 });
  });
});

describe('another process', () => {
  it('a running worker uses a version saved after it started, with no restart', async () => {
    const sync = await contactsSync();
    const worker = spawnWorker(h, masterKey, TEST_MAPPINGS);
    try {
      const runOnWorker = async (id: string): Promise<RunReport> => {
        putContact(id);
        const before = (await h.engine.service.runs(h.tenantId, sync.id)).length;
        await h.engine.service.runNow(h.tenantId, sync.id);
        let done: RunReport | undefined;
        await until(async () => {
          const runs = await h.engine.service.runs(h.tenantId, sync.id);
          done = runs.length > before && runs[0]!.status !== 'running' ? runs[0] : undefined;
          return !!done;
        }, `the worker's run for ${id}`);
        expect(done!.status).toBe('succeeded');
        return done!;
      };
      await save(V1);
      expect((await runOnWorker('w-1')).mapping).toMatchObject({ source: 'tenant', version: 1 });
      expect((await customerOf(sync, 'w-1')).lastName).toBe('From-Surname');
      await save(V2);
      expect((await runOnWorker('w-2')).mapping).toMatchObject({
        source: 'tenant',
        version: 2,
        hash: sha256(V2),
      });
      expect((await customerOf(sync, 'w-2')).lastName).toBe('From-Family_name');
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  }, 120_000);
});
