import { scanHash } from '../records/scan-hash.ts';
import { orderMember, type QuarantineEntry } from '../sync/quarantine.ts';
import type { Migration, MigrationContext } from './types.ts';

/** Entries read per HSCAN. */
const ENTRIES_PER_SCAN = 500;

/**
 * Builds the order sets of quarantine entries and dead letters written before the stores kept
 * them (the API pages both by cursor from these sets). ZADD of a member already there changes
 * nothing, so a run after a crash half-way is safe, and entries added meanwhile keep theirs.
 */
export const entryOrderMigration: Migration = {
  id: '005-entry-order',
  description: 'order quarantine entries and dead letters by time for cursor pagination',
  async run(ctx: MigrationContext) {
    const { redis, keys, tenantId } = ctx;
    let changed = 0;
    for (const which of ['quarantine', 'deadLetters'] as const) {
      for await (const pairs of scanHash(redis, keys[which](tenantId), ENTRIES_PER_SCAN)) {
        const m = redis.multi();
        for (const [, text] of pairs) {
          m.zadd(
            keys.entryOrder(tenantId, which),
            0,
            orderMember(JSON.parse(text) as QuarantineEntry),
          );
          changed++;
        }
        await m.exec();
      }
    }
    return { changed };
  },
};
