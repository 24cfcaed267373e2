import { orderMember, type QuarantineEntry } from '../sync/quarantine.ts';
import { eachFieldInPages } from './scan-pages.ts';
import type { Migration, MigrationContext } from './types.ts';

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
      const order = keys.entryOrder(tenantId, which);
      await eachFieldInPages(redis, keys[which](tenantId), (m, _, text) => {
        m.zadd(order, 0, orderMember(JSON.parse(text) as QuarantineEntry));
        changed++;
      });
    }
    return { changed };
  },
};
