import type { Redis } from 'ioredis';

import type { Archive } from './archive/archive.ts';
import { AttributionJobs } from './attribution/jobs.ts';
import { AttributionStore } from './attribution/store.ts';
import { archiveOptionsFromConfig, createArchive } from './archive/index.ts';
import type { Config } from './config/env.ts';
import type { Logger } from './log/logger.ts';
import { MIGRATION_IDS } from './migrations/index.ts';
import { RecordStore } from './records/record-store.ts';
import { ApiKeyStore } from './store/api-keys.ts';
import { ConnectionStore } from './store/connections.ts';
import { resolveMasterKey, Vault } from './store/crypto.ts';
import { GroupStore } from './store/groups.ts';
import { keys, type Keys } from './store/keys.ts';
import { connectRedis } from './store/redis.ts';
import { Sentinels } from './store/sentinel.ts';
import { TenantStore } from './store/tenants.ts';
import { SettingsStore } from './tenants/settings-store.ts';

/** Everything a process of the hub works with, opened once at start. */
export interface Hub {
  config: Config;
  log: Logger;
  redis: Redis;
  keys: Keys;
  tenants: TenantStore;
  /** Tenant groups: stores reported on together. */
  groups: GroupStore;
  /** Per-tenant closed-loop settings (time zone, lookback, half-life, ...). */
  settings: SettingsStore;
  /** Stored attribution: per-sale results, rollups, reports. */
  attribution: AttributionStore;
  /** Attribution jobs: catch-ups of the change feed, full recomputes, the sweep (worker side too). */
  attributionJobs: AttributionJobs;
  apiKeys: ApiKeyStore;
  connections: ConnectionStore;
  archive: Archive;
  /** Data sentinels: whether Redis lost data since this process started, or during a run. */
  sentinels: Sentinels;
  /** Closes the Redis connection. */
  close(): Promise<void>;
}

/**
 * Opens the hub's stores. Fails fast with a clear message when Redis cannot be reached.
 * `overrides` lets tests pass a prefix, a master key or an archive of their own.
 */
export async function openHub(
  config: Config,
  log: Logger,
  overrides: { archive?: Archive; masterKey?: Buffer } = {},
): Promise<Hub> {
  const redis = await connectRedis(config.REDIS_URL);
  const k = keys(config.REDIS_PREFIX);
  const vault = new Vault(
    overrides.masterKey ?? resolveMasterKey(config.HUB_MASTER_KEY, config.DATA_DIR, log),
  );
  const archive = overrides.archive ?? createArchive(archiveOptionsFromConfig(config));
  const settings = new SettingsStore(redis, k);
  const attribution = new AttributionStore(redis, k, new RecordStore(redis, k), settings);
  const tenants = new TenantStore(redis, k, MIGRATION_IDS);
  const attributionJobs = new AttributionJobs({
    redis,
    keys: k,
    log,
    attribution,
    settings,
    archive,
    tenantIds: async () => (await tenants.list()).map((t) => t.id),
  });
  // A change of zone, lookback, half-life or minimum confidence no longer matches the stored
  // state: the woken catch-up (or the sweep) recomputes attribution in full, in a worker.
  settings.onChange(async (tenantId, change) => {
    if (change.recompute) await attributionJobs.wake(tenantId);
  });
  const sentinels = new Sentinels(redis, k);
  await sentinels.openHub();
  const apiKeys = new ApiKeyStore(redis, k);
  return {
    config,
    log,
    redis,
    keys: k,
    tenants,
    groups: new GroupStore(redis, k, tenants, apiKeys),
    settings,
    attribution,
    attributionJobs,
    apiKeys,
    connections: new ConnectionStore(redis, k, vault),
    archive,
    sentinels,
    async close() {
      await attributionJobs.close().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
