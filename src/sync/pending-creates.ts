import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';
import { z } from 'zod';

import { parseStoredJson } from '../entities/stored.ts';
import { writeKey } from './out-hash.ts';
import type { SyncServices } from './services.ts';
import type { Sync } from './types.ts';

/**
 * Creates (writes without a destination id) sent through a sink whose answers the hub has not
 * recorded: a worker killed between the two leaves them. The record's next create reuses the key
 * the destination may already have applied (each outbound write's key names a version, and the
 * record may have changed since), so a vendor that applies each key once creates it once.
 *
 * One hash per connection and sink (`Keys.pendingCreates`), one field per batch holding its
 * creates' keys: one HSET before a batch with creates is sent, one HDEL in the MULTI that records
 * its answers. A run reads the hash once, when it starts, and deletes its own sync's fields it read
 * once it has sent everything (every create they name was sent again, or needs no sending).
 *
 * A field holds `{"m": mappingHash, "c": [[canonicalId, version], ...]}`: each key is
 * `writeKey` of that version and mapping, so the 40-character key is not stored (a create whose
 * key came from another mapping is `[id, version, mappingHash]`; one whose key came from a
 * first-form field is `[id, key]`). Fields written before this form are `[[canonicalId, key],
 * ...]` and are still read.
 */
export interface PendingCreates {
  /** The hash. */
  hash: string;
  /** Canonical id → the idempotency key its unanswered create was sent with. */
  keys: Map<string, PendingKey>;
  /** Fields of this sync read when the run started. */
  fields: string[];
}

/** A create's idempotency key and, when known, the version and mapping hash it names. */
export interface PendingKey {
  key: string;
  v: number | null;
  m: string | null;
}

/** First stored form of a batch's creates: `[canonicalId, idempotencyKey]` pairs. */
const KeyedCreates = z.array(z.tuple([z.string(), z.string()]));
/** A create of the compact form: its version (and mapping hash if not the field's), or its key. */
const CompactCreate = z.union([
  z.tuple([z.string(), z.number().int().nonnegative()]),
  z.tuple([z.string(), z.number().int().nonnegative(), z.string()]),
  z.tuple([z.string(), z.string()]),
]);
const BatchCreates = z.union([
  KeyedCreates,
  z.object({ m: z.string(), c: z.array(CompactCreate) }),
]);

/** Where the creates were sent: what their keys are derived from besides version and mapping. */
export interface CreatesTarget {
  connectionId: string;
  sinkName: string;
}

/** The creates of one stored field, with their keys. */
function decodeCreates(
  batch: z.infer<typeof BatchCreates>,
  to: CreatesTarget,
): [string, PendingKey][] {
  if (Array.isArray(batch)) return batch.map(([id, key]) => [id, { key, v: null, m: null }]);
  return batch.c.map(([id, vOrKey, m]): [string, PendingKey] => {
    if (typeof vOrKey === 'string') return [id, { key: vOrKey, v: null, m: null }];
    const hash = m ?? batch.m;
    const key = writeKey({ hash }, to.connectionId, to.sinkName, id, vOrKey);
    return [id, { key, v: vOrKey, m: hash }];
  });
}

/** The stored form of a batch's creates, keys sent with `mappingHash` named by version only. */
export function encodeCreates(mappingHash: string, creates: [string, PendingKey][]): string {
  const c = creates.map(([id, { key, v, m }]) =>
    v === null || m === null ? [id, key] : m === mappingHash ? [id, v] : [id, v, m],
  );
  return JSON.stringify({ m: mappingHash, c });
}

/** Reads the creates left unanswered in `hash` (one HGETALL, empty after a clean run). */
export async function loadPendingCreates(
  redis: Redis,
  hash: string,
  syncId: string,
  to: CreatesTarget,
): Promise<PendingCreates> {
  const stored = await redis.hgetall(hash);
  const keys = new Map<string, PendingKey>();
  const fields: string[] = [];
  for (const [field, text] of Object.entries(stored)) {
    if (field.startsWith(`${syncId}:`)) fields.push(field);
    const batch = parseStoredJson(BatchCreates, 'pending creates', hash, text);
    for (const [id, key] of decodeCreates(batch, to)) if (!keys.has(id)) keys.set(id, key);
  }
  return { hash, keys, fields };
}

/** Records a batch's creates before it is sent; returns the field to delete with its answers. */
export async function markCreates(
  redis: Redis,
  hash: string,
  syncId: string,
  mappingHash: string,
  creates: [canonicalId: string, key: PendingKey][],
): Promise<string> {
  const field = `${syncId}:${randomUUID()}`;
  await redis.hset(hash, field, encodeCreates(mappingHash, creates));
  return field;
}

/** Deletes the fields a run read when it started, once it has sent everything after them. */
export async function clearPendingCreates(redis: Redis, pending: PendingCreates): Promise<void> {
  if (pending.fields.length) await redis.hdel(pending.hash, ...pending.fields);
  pending.fields = [];
}

/**
 * Deletes a deleted sync's fields of `hash` (creates it left unanswered): every later run of the
 * sink's other syncs would read them and none would clear them. Returns how many were deleted.
 */
export async function forgetPendingCreates(
  redis: Redis,
  hash: string,
  syncId: string,
): Promise<number> {
  const fields = (await redis.hkeys(hash)).filter((f) => f.startsWith(`${syncId}:`));
  return fields.length ? redis.hdel(hash, ...fields) : 0;
}

/** The creates a sync's sink was left with (`loadPendingCreates`): read once, when a run starts. */
export function openPendingCreates(
  svc: SyncServices,
  sync: Sync,
  sinkName: string,
): Promise<PendingCreates> {
  const hash = svc.hub.keys.pendingCreates(sync.tenantId, sync.connectionId, sinkName);
  return loadPendingCreates(svc.hub.redis, hash, sync.id, {
    connectionId: sync.connectionId,
    sinkName,
  });
}
