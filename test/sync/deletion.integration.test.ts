import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/errors/app-error.ts';
import { deleteConnection } from '../../src/sync/deletion.ts';
import { tryLock } from '../../src/sync/lock.ts';
import { loadPendingCreates, markCreates } from '../../src/sync/pending-creates.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import type { Sync } from '../../src/sync/types.ts';
import { ingestContacts, useEngineWithSystems } from '../support/engine.ts';
import { dumpValues, scanKeys } from '../support/hub.ts';

// Deleting a sync or a connection removes every key that belongs to it alone (found by SCAN of
// the tenant's keys, never KEYS), and leaves every other key as it was.

const t = useEngineWithSystems('source', 'dest', 'other');
const svc = () => t.h.engine.service.svc;
const tag = () => `${t.h.config.REDIS_PREFIX}:{${t.h.tenantId}}:`;
const tenantDump = () => dumpValues(t.h.hub.redis, `${tag()}*`);

/** An outbound sync of the contacts to `connectionId`, run once (links, destinations, a run). */
async function sendContacts(connectionId: string, name: string): Promise<Sync> {
  const sync = await t.h.addSync({
    connectionId,
    mapping: 'crm-a-contacts',
    mode: 'outbound',
    name,
  });
  const run = await runSync(svc(), t.h.tenantId, sync.id, 'manual');
  expect(run?.status).toBe('succeeded');
  return sync;
}

/**
 * What a crashed run of `sync` leaves, written through the stores' own functions: a field of its
 * sink's pending creates, a quarantine entry and a dead letter.
 */
async function leaveBehind(sync: Sync, canonicalId: string): Promise<void> {
  const { redis, keys } = t.h.hub;
  const hash = keys.pendingCreates(t.h.tenantId, sync.connectionId, 'contacts');
  await markCreates(redis, hash, sync.id, 'mapping-hash', [
    [canonicalId, { key: `key-${sync.id}`, v: null, m: null }],
  ]);
  const entry = {
    tenantId: t.h.tenantId,
    syncId: sync.id,
    connectionId: sync.connectionId,
    direction: 'out' as const,
    stream: 'contacts',
    externalKey: canonicalId,
    record: { email: `${sync.name}@example.com` },
    problems: [{ field: '(record)', reason: `refused for ${sync.name}` }],
  };
  await svc().quarantine.add([entry]);
  await svc().deadLetters.add([entry]);
}

/** The tenant's keys holding `id` in their name. */
const keysNaming = async (id: string) =>
  (await scanKeys(t.h.hub.redis, `${tag()}*`)).filter((k) => k.includes(id));

describe('deleting a sync or a connection', () => {
  it('leaves no key of it, and every other key as it was', async () => {
    const inbound = await ingestContacts(t.h, t.source, 20);
    const destConn = await t.h.connect('http-json', t.dest);
    const gone = await sendContacts(destConn, 'gone');
    const kept = await sendContacts(destConn, 'kept'); // same connection and sink
    const other = await sendContacts(await t.h.connect('http-json', t.other), 'other');
    const [c1, c2] = (await t.h.hub.redis.hkeys(t.h.hub.keys.records(t.h.tenantId, 'customer')))
      .sort()
      .slice(0, 2);
    for (const s of [gone, kept, other]) await leaveBehind(s, s === kept ? c2! : c1!);
    const runsOfGone = await t.h.hub.redis.lrange(t.h.hub.keys.runs(t.h.tenantId, gone.id), 0, -1);
    expect(runsOfGone).toHaveLength(1);
    const before = await tenantDump();
    expect(await keysNaming(gone.id)).not.toEqual([]);

    await t.h.engine.service.remove(t.h.tenantId, gone.id);

    // Nothing of the deleted sync: no key naming it, no report of its runs, no field of its
    // pending creates, no entry of it in the quarantine or the dead letters.
    expect(await keysNaming(gone.id)).toEqual([]);
    const after = await tenantDump();
    for (const r of runsOfGone) expect(after.has(`${tag()}run:${r}`)).toBe(false);
    const { redis, keys } = t.h.hub;
    const hash = keys.pendingCreates(t.h.tenantId, destConn, 'contacts');
    const pending = await loadPendingCreates(redis, hash, kept.id, {
      connectionId: destConn,
      sinkName: 'contacts',
    });
    expect([...pending.keys.values()].map((k) => k.key)).toEqual([`key-${kept.id}`]);
    for (const store of [svc().quarantine, svc().deadLetters])
      expect((await store.list(t.h.tenantId)).map((e) => e.syncId).sort()).toEqual(
        [kept.id, other.id].sort(),
      );
    // Every other key as it was: those that held the deleted sync among others lost just it.
    const changed = ['syncs', 'feed:readers:customer', 'quarantine', 'quarantine:order', 'dead']
      .concat(['dead:order', `pend:${destConn}:contacts`])
      .map((rest) => tag() + rest);
    const gonePart = (k: string) => k.includes(gone.id) || runsOfGone.some((r) => k.includes(r));
    const left = [...before.keys()].filter((k) => !gonePart(k) && !changed.includes(k));
    expect(left.length).toBeGreaterThan(10);
    for (const k of left) expect({ k, v: after.get(k) }).toEqual({ k, v: before.get(k) });
    expect([...after.keys()].filter((k) => !before.has(k))).toEqual([]);
    expect(after.get(`${tag()}syncs`)).toEqual([inbound.id, kept.id, other.id].sort());

    // A connection still used by a sync is not deleted; once its syncs are, nothing of it stays.
    const refused = await deleteConnection(svc(), t.h.tenantId, destConn).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      status: 409,
      code: 'connection_in_use',
      details: [{ path: 'syncs', message: kept.id }],
    });
    await t.h.engine.service.remove(t.h.tenantId, kept.id);
    const beforeConn = await tenantDump();
    expect((await keysNaming(destConn)).map((k) => k.slice(tag().length)).sort()).toEqual(
      [`conn:${destConn}`, `dest:${destConn}:contacts`, `link:${destConn}:contacts`].concat(
        (await keysNaming(`rl:${destConn}`)).map((k) => k.slice(tag().length)),
      ),
    );
    await deleteConnection(svc(), t.h.tenantId, destConn);
    expect(await keysNaming(destConn)).toEqual([]);
    const afterConn = await tenantDump();
    for (const [k, v] of beforeConn)
      if (!k.includes(destConn) && k !== `${tag()}conns`)
        expect({ k, v: afterConn.get(k) }).toEqual({ k, v });
    expect(afterConn.get(`${tag()}conns`)).toEqual(
      [inbound.connectionId, other.connectionId].sort(),
    );
  });

  it('refuses to delete a sync while a run of it holds its lock, and deletes it after', async () => {
    const sync = await sendContacts(await t.h.connect('http-json', t.dest), 'busy');
    const { redis, keys } = t.h.hub;
    const run = await tryLock(redis, keys.syncLock(t.h.tenantId, sync.id), 'a-run');
    const refused = await t.h.engine.service.remove(t.h.tenantId, sync.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      status: 409,
      code: 'sync_running',
      details: [{ path: 'sync', message: sync.id }],
    });
    expect((await t.h.engine.service.svc.syncs.get(t.h.tenantId, sync.id)).id).toBe(sync.id);
    await run!.release();
    await t.h.engine.service.remove(t.h.tenantId, sync.id);
    expect(await keysNaming(sync.id)).toEqual([]);
  });
});
