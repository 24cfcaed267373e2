import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';
import { z } from 'zod';

import { parseStoredJson } from '../entities/stored.ts';
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
 */
export interface PendingCreates {
  /** The hash. */
  hash: string;
  /** Canonical id → the idempotency key its unanswered create was sent with. */
  keys: Map<string, string>;
  /** Fields of this sync read when the run started. */
  fields: string[];
}

/** A batch's creates: `[canonicalId, idempotencyKey]` pairs. */
const BatchCreates = z.array(z.tuple([z.string(), z.string()]));

/** Reads the creates left unanswered in `hash` (one HGETALL, empty after a clean run). */
export async function loadPendingCreates(
  redis: Redis,
  hash: string,
  syncId: string,
): Promise<PendingCreates> {
  const stored = await redis.hgetall(hash);
  const keys = new Map<string, string>();
  const fields: string[] = [];
  for (const [field, text] of Object.entries(stored)) {
    if (field.startsWith(`${syncId}:`)) fields.push(field);
    for (const [id, key] of parseStoredJson(BatchCreates, 'pending creates', hash, text))
      if (!keys.has(id)) keys.set(id, key);
  }
  return { hash, keys, fields };
}

/** Records a batch's creates before it is sent; returns the field to delete with its answers. */
export async function markCreates(
  redis: Redis,
  hash: string,
  syncId: string,
  creates: [canonicalId: string, idempotencyKey: string][],
): Promise<string> {
  const field = `${syncId}:${randomUUID()}`;
  await redis.hset(hash, field, JSON.stringify(creates));
  return field;
}

/** Deletes the fields a run read when it started, once it has sent everything after them. */
export async function clearPendingCreates(redis: Redis, pending: PendingCreates): Promise<void> {
  if (pending.fields.length) await redis.hdel(pending.hash, ...pending.fields);
  pending.fields = [];
}

/** The creates a sync's sink was left with (`loadPendingCreates`): read once, when a run starts. */
export function openPendingCreates(
  svc: SyncServices,
  sync: Sync,
  sinkName: string,
): Promise<PendingCreates> {
  const hash = svc.hub.keys.pendingCreates(sync.tenantId, sync.connectionId, sinkName);
  return loadPendingCreates(svc.hub.redis, hash, sync.id);
}
