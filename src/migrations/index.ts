import type { Hub } from '../hub.ts';
import { moneyCents } from './001-money-cents.ts';
import { identityRekey } from './002-identity-rekey.ts';
import { recordIdsMigration } from './003-record-ids.ts';
import { accessPathsMigration } from './004-access-paths.ts';
import { entryOrderMigration } from './005-entry-order.ts';
import { adfSecretUrlMigration } from './006-adf-secret-url.ts';
import { readerSetsMigration } from './007-reader-sets.ts';
import { migrateTenant, type MigrateOptions } from './runner.ts';
import type { Migration } from './types.ts';

export { migrateTenant, migrationStatus, type MigrationStatus } from './runner.ts';
export type { Migration, MigrationContext } from './types.ts';

/**
 * Every migration of stored data this hub knows, applied once per tenant in id order by
 * `dealerloop migrate` and at start-up (before the API and workers start). Add an entry here
 * (and never change or remove one that has shipped): `001-money-cents`, `002-...`.
 */
export const MIGRATIONS: readonly Migration[] = [
  moneyCents,
  identityRekey,
  recordIdsMigration,
  accessPathsMigration,
  entryOrderMigration,
  adfSecretUrlMigration,
  readerSetsMigration,
];

/** Ids of every registered migration (a new tenant is created with all of them marked done). */
export const MIGRATION_IDS: readonly string[] = MIGRATIONS.map((m) => m.id);

/**
 * Applies the pending migrations of every tenant (or of `tenantId` only). Returns what each
 * tenant had applied; tenants with nothing pending are left out.
 */
export async function migrateHub(
  hub: Pick<Hub, 'redis' | 'keys' | 'log' | 'tenants' | 'connections'>,
  opts: {
    tenantId?: string;
    migrations?: readonly Migration[];
    progress?: MigrateOptions['progress'];
  } = {},
): Promise<{ tenantId: string; applied: { id: string; changed: number }[] }[]> {
  const tenantIds = opts.tenantId
    ? [(await hub.tenants.get(opts.tenantId)).id]
    : (await hub.tenants.list()).map((t) => t.id);
  const out: { tenantId: string; applied: { id: string; changed: number }[] }[] = [];
  for (const tenantId of tenantIds) {
    const applied = await migrateTenant({
      redis: hub.redis,
      keys: hub.keys,
      log: hub.log,
      connections: hub.connections,
      tenantId,
      migrations: opts.migrations ?? MIGRATIONS,
      progress: opts.progress,
    });
    if (applied.length) out.push({ tenantId, applied });
  }
  return out;
}
