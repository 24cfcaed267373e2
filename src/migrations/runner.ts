import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Logger } from '../log/logger.ts';
import type { Keys } from '../store/keys.ts';
import type { Migration, MigrationContext } from './types.ts';

/** How long a tenant's migration lock lives without renewal; renewed every third of it. */
export const MIGRATION_LOCK_MS = 30_000;
/** How often a process waiting on another's lock looks again. */
const WAIT_POLL_MS = 250;

/** What is stored per applied migration. */
export interface MigrationDone {
  doneAt: string;
  changed: number;
  /** True when the tenant was created after the migration existed (its data never needed it). */
  born?: boolean;
}

/** One migration's state for one tenant. */
export interface MigrationStatus {
  id: string;
  description: string;
  done: MigrationDone | null;
}

/** Where a tenant's migrations run. */
export interface MigrateOptions {
  redis: Redis;
  keys: Keys;
  log: Logger;
  tenantId: string;
  migrations: readonly Migration[];
  connections?: MigrationContext['connections'];
  progress?: (migrationId: string, done: number, total: number) => void;
}

/*
 * Releases the lock only if this process still holds it (compare-and-delete, one step).
 * KEYS[1] the lock, ARGV[1] this holder's token.
 */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/* Extends the lock only if this process still holds it. KEYS[1] the lock, ARGV[1] token, ARGV[2] ms. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** The applied state of each migration, in id order. */
export async function migrationStatus(
  redis: Redis,
  keys: Keys,
  tenantId: string,
  migrations: readonly Migration[],
): Promise<MigrationStatus[]> {
  const done = await redis.hgetall(keys.migrations(tenantId));
  return sorted(migrations).map((m) => ({
    id: m.id,
    description: m.description,
    done: done[m.id] ? (JSON.parse(done[m.id]!) as MigrationDone) : null,
  }));
}

/**
 * Applies every pending migration to one tenant, in id order, under the tenant's migration lock.
 * A process that finds the lock taken waits for the holder to finish and then re-reads what is
 * left (normally nothing), so concurrent start-ups never run a migration twice at once. A crash
 * leaves the migration pending; it resumes from its own state on the next run.
 */
export async function migrateTenant(
  opts: MigrateOptions,
): Promise<{ id: string; changed: number }[]> {
  const { redis, keys, tenantId, log } = opts;
  const applied: { id: string; changed: number }[] = [];
  const pending = async () =>
    (await migrationStatus(redis, keys, tenantId, opts.migrations)).filter((s) => !s.done);
  if ((await pending()).length === 0) return applied;
  const release = await acquire(redis, keys.migrationLock(tenantId));
  try {
    const byId = new Map(opts.migrations.map((m) => [m.id, m]));
    for (const s of await pending()) {
      const m = byId.get(s.id)!;
      log.info({ tenantId, migration: m.id }, 'migration started');
      const { changed } = await m.run({
        redis,
        keys,
        tenantId,
        log,
        connections: opts.connections,
        progress: opts.progress && ((d, t) => opts.progress!(m.id, d, t)),
      });
      const record: MigrationDone = { doneAt: new Date().toISOString(), changed };
      await redis.hset(keys.migrations(tenantId), m.id, JSON.stringify(record));
      log.info({ tenantId, migration: m.id, changed }, 'migration done');
      applied.push({ id: m.id, changed });
    }
  } finally {
    await release();
  }
  return applied;
}

/** Marks every migration done for a tenant whose data was born in the current shape. */
export function bornMigratedFields(migrationIds: readonly string[]): Record<string, string> {
  const record: MigrationDone = { doneAt: new Date().toISOString(), changed: 0, born: true };
  return Object.fromEntries(migrationIds.map((id) => [id, JSON.stringify(record)]));
}

/** Takes the lock (waiting while another process holds it); returns its release. */
async function acquire(redis: Redis, key: string): Promise<() => Promise<void>> {
  const token = randomUUID();
  while ((await redis.set(key, token, 'PX', MIGRATION_LOCK_MS, 'NX')) !== 'OK')
    await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
  const timer = setInterval(() => {
    void redis.eval(RENEW, 1, key, token, MIGRATION_LOCK_MS).catch(() => undefined);
  }, MIGRATION_LOCK_MS / 3);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await redis.eval(RELEASE, 1, key, token);
  };
}

function sorted(migrations: readonly Migration[]): Migration[] {
  return [...migrations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
