import { entityNames } from '../canonical/index.ts';
import { scanHash } from '../records/scan-hash.ts';
import type { Migration, MigrationContext } from './types.ts';

/** Record ids read per HSCAN while building an index. */
const IDS_PER_SCAN = 1_000;

/**
 * Builds the id index of every entity of a tenant from its records hash (the index outbound walks
 * use since positions became record ids), and writes the tenant's data sentinel, so a sentinel
 * found missing from now on means Redis lost the tenant's data. ZADD of an id already there
 * changes nothing, so a run after a crash half-way simply goes over the records again.
 */
export const recordIdsMigration: Migration = {
  id: '003-record-ids',
  description:
    'index the record ids of every entity (stable walk positions) and write the tenant sentinel',
  async run(ctx: MigrationContext) {
    const { redis, keys, tenantId } = ctx;
    let changed = 0;
    const total = (
      await Promise.all(entityNames.map((e) => redis.hlen(keys.records(tenantId, e))))
    ).reduce((a, b) => a + b, 0);
    for (const entity of entityNames) {
      const ids = keys.recordIds(tenantId, entity);
      for await (const pairs of scanHash(redis, keys.records(tenantId, entity), IDS_PER_SCAN)) {
        const members: (string | number)[] = [];
        for (const [id] of pairs) members.push(0, id);
        if (members.length) changed += await redis.zadd(ids, ...members);
        ctx.progress?.(changed, total);
      }
    }
    await redis.set(keys.tenantSentinel(tenantId), `${Date.now().toString(36)}-migrated`, 'NX');
    return { changed };
  },
};
