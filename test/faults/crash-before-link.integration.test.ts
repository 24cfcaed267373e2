import { describe, expect, it } from 'vitest';

import httpJson from '../../connectors/http-json/index.ts';
import type { ConnectorDef, SinkDef, SinkItem } from '../../src/sdk/connector.ts';
import { FatalError } from '../../src/sdk/errors.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { decodeDestination } from '../../src/sync/destinations.ts';
import { REPLAYED_CREATES } from '../../src/sync/outbound.ts';
import { loadPendingCreates } from '../../src/sync/pending-creates.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import type { Sync } from '../../src/sync/types.ts';
import { crmB, ingestContacts, useEngineWith } from '../support/engine.ts';
import { expectExactlyOnce } from './support.ts';

// A worker that dies after the destination applied a batch of creates, before the hub recorded
// the answer (what a SIGKILL between the two does), and records that change before the next run:
// the next run must not create those people again under new keys. Deterministic: the "crash" is
// a sink that throws once, before or after the real write.

type CrashPoint = 'beforeSend' | 'afterApply' | null;
let crashAt: CrashPoint = null;
/** Keys the crashing write sent, by canonical id. */
const crashedKeys = new Map<string, string>();

/** The http-json connector (same id, so its mappings fit), whose sinks throw once where `crashAt` says. */
const crashing = {
  ...httpJson,
  sinks: new Proxy(
    {},
    {
      get: (_t, name: string): SinkDef<unknown, unknown> => {
        const real = (httpJson.sinks as Record<string, SinkDef<unknown, unknown>>)[name]!;
        return {
          ...real,
          write: async (ctx, items: SinkItem[]) => {
            const at = crashAt;
            if (at) {
              crashAt = null;
              for (const i of items) crashedKeys.set(i.canonicalId, i.idempotencyKey);
            }
            if (at === 'beforeSend') throw new FatalError('worker killed before sending');
            const results = await real.write(ctx, items);
            if (at === 'afterApply') throw new FatalError('worker killed after the write applied');
            return results;
          },
        };
      },
    },
  ),
} as ConnectorDef;

const t = useEngineWith(
  { opts: { registry: new ConnectorRegistry([crashing, crmB]) } },
  'source',
  'dest',
);
const svc = () => t.h.engine.service.svc;

const PEOPLE = 30;
const BATCH = 10;
const emails = Array.from({ length: PEOPLE }, (_, i) => `person${i}@example.com`);

/** 30 people in the hub and an outbound sync of them to `dest`, in batches of 10. */
async function setup() {
  const inbound = await ingestContacts(t.h, t.source, PEOPLE, (i) => ({ last_name: `first${i}` }));
  const outbound = await t.h.addSync({
    connectionId: await t.h.connect('http-json', t.dest, { batchSize: BATCH, concurrency: 1 }),
    mapping: 'crm-a-contacts',
    mode: 'outbound',
  });
  return { inbound, outbound };
}

/** Every person changes at the source and is read into the hub again (a new version each). */
async function changeEveryone(inboundId: string) {
  for (let i = 0; i < PEOPLE; i++)
    t.source.put('contacts', {
      id: `a-${i}`,
      last_name: `second${i}`,
      updated_at: '2026-11-21T10:00:00Z',
    });
  const run = await runSync(svc(), t.h.tenantId, inboundId, 'manual');
  expect(run?.counts.updated).toBe(PEOPLE);
}

/** The run that crashes: it fails, and the hub knows no destination id of the people it sent. */
async function crashingRun(outboundId: string, at: CrashPoint) {
  crashAt = at;
  crashedKeys.clear();
  const failed = await runSync(svc(), t.h.tenantId, outboundId, 'manual').then(
    (report) => report?.status,
    (err: unknown) => String(err),
  );
  expect(failed).toMatch(/worker killed|failed/);
  expect(crashedKeys.size).toBe(BATCH);
  // What the hub kept of the cut-off batch: its creates' keys, nothing of their answers.
  const { redis, keys } = t.h.hub;
  const connectionId = (await svc().syncs.get(t.h.tenantId, outboundId)).connectionId;
  const hash = keys.pendingCreates(t.h.tenantId, connectionId, 'contacts');
  // Stored compact (a version per create, not its key), read back to the keys that were sent.
  const [stored] = await redis.hvals(hash);
  expect(stored!.length).toBeLessThan(40 * BATCH);
  const pending = await loadPendingCreates(redis, hash, outboundId, {
    connectionId,
    sinkName: 'contacts',
  });
  expect([...pending.keys].map(([id, k]) => [id, k.key])).toEqual([...crashedKeys]);
  expect(await redis.hlen(keys.links(t.h.tenantId, connectionId, 'contacts'))).toBe(0);
}

/** Each person once at the destination with the newest content, and the hub's links to them. */
async function expectDeliveredOnce(scenario: string, outbound: Sync) {
  const { id: outboundId, connectionId } = outbound;
  const held = t.dest.list('contacts');
  expectExactlyOnce(
    scenario,
    emails,
    held.map((r) => String(r.email)),
  );
  const { redis, keys } = t.h.hub;
  const entries = await redis.hgetall(keys.destinations(t.h.tenantId, connectionId, 'contacts'));
  const links = await redis.hgetall(keys.links(t.h.tenantId, connectionId, 'contacts'));
  for (const person of held) {
    const i = emails.indexOf(String(person.email));
    expect(person.last_name).toBe(`Second${i}`); // the newest version, also where a create replayed
    const canonicalId = links[String(person.id)];
    expect(canonicalId, `link of ${String(person.email)}`).toBeDefined();
    const entry = decodeDestination(entries[canonicalId!]);
    expect(entry).toMatchObject({ id: person.id });
    expect(entry.v).not.toBeNull();
  }
  expect(Object.keys(links)).toHaveLength(PEOPLE);
  expect(await redis.exists(keys.pendingCreates(t.h.tenantId, connectionId, 'contacts'))).toBe(0);
  const again = await runSync(svc(), t.h.tenantId, outboundId, 'manual');
  expect(again?.counts).toMatchObject({ written: 0, failed: 0, quarantined: 0 });
}

/**
 * After a crashing run: everyone changes, the next run succeeds, and the crashed batch's creates
 * went again under their first keys, each followed by an update (the hub cannot tell a replay
 * from a first apply). Returns the keys the destination applied.
 */
async function rerunAfterChange(inboundId: string, outboundId: string) {
  await changeEveryone(inboundId);
  const run = await runSync(svc(), t.h.tenantId, outboundId, 'manual');
  expect(run?.status).toBe('succeeded');
  expect(run?.counts).toMatchObject({ written: PEOPLE, failed: 0, quarantined: 0 });
  expect(run?.notes?.[REPLAYED_CREATES]).toBe(BATCH);
  const applied = t.dest.applied.get('contacts')!;
  for (const key of crashedKeys.values()) expect(applied.has(key)).toBe(true);
  return applied;
}

describe('a create cut off before its answer was recorded, then the record changed', () => {
  it('applied at the destination: sent again under its first key, then updated to the new version', async () => {
    const { inbound, outbound } = await setup();
    await crashingRun(outbound.id, 'afterApply');
    expect(t.dest.list('contacts')).toHaveLength(BATCH); // applied, not recorded by the hub
    const applied = await rerunAfterChange(inbound.id, outbound.id);
    expect(applied.size).toBe(PEOPLE + BATCH); // 30 creates, 10 updates
    await expectDeliveredOnce('create applied, crash, record changed', outbound);
  });

  it('never sent: the first key goes with the new version, nothing twice', async () => {
    const { inbound, outbound } = await setup();
    await crashingRun(outbound.id, 'beforeSend');
    expect(t.dest.list('contacts')).toHaveLength(0);
    // The create under the first key carried the new version; the update after it changed nothing.
    const applied = await rerunAfterChange(inbound.id, outbound.id);
    expect(applied.size).toBe(PEOPLE + BATCH);
    await expectDeliveredOnce('create never sent, crash, record changed', outbound);
  });

  it('no crash: one create per person under its version key, no pending key left', async () => {
    const { outbound } = await setup();
    const run = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(run?.counts).toMatchObject({ written: PEOPLE });
    expect(run?.notes?.[REPLAYED_CREATES]).toBeUndefined();
    expect(t.dest.applied.get('contacts')!.size).toBe(PEOPLE);
    const { redis, keys } = t.h.hub;
    // Each batch's creates were recorded before it was sent and dropped with its answers.
    const pending = keys.pendingCreates(t.h.tenantId, outbound.connectionId, 'contacts');
    expect(await redis.exists(pending)).toBe(0);
  });
});
