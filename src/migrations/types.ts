import type { Redis } from 'ioredis';

import type { Logger } from '../log/logger.ts';
import type { ConnectionStore } from '../store/connections.ts';
import type { Keys } from '../store/keys.ts';

/** What a migration works with: one tenant's data in one hub. */
export interface MigrationContext {
  redis: Redis;
  keys: Keys;
  tenantId: string;
  log: Logger;
  /**
   * The hub's connections, whose credentials only it can open and seal (`migrateHub` gives it;
   * a migration that needs it fails without).
   */
  connections?: Pick<ConnectionStore, 'sealSettings'>;
  /** Reports progress (records done of total) for progress bars and logs. */
  progress?: (done: number, total: number) => void;
}

/**
 * One change to stored data, applied once per tenant, in `id` order, by `dealerloop migrate`
 * and at start-up. A migration must be safe to run again after a crash half-way (idempotent).
 */
export interface Migration {
  /** Stable id, sortable: `001-money-cents`. */
  id: string;
  /** What it changes, for people. */
  description: string;
  /** Applies it to one tenant; returns how many records it changed. */
  run(ctx: MigrationContext): Promise<{ changed: number }>;
}
