import { indexScores, TIME_FIELDS, TOUCH_ENTITIES } from '../records/access-paths.ts';
import { decodeBody } from '../records/record-store.ts';
import { eachFieldInPages } from './scan-pages.ts';
import type { Migration, MigrationContext } from './types.ts';

/**
 * Builds the access paths of records written before the record writes kept them: each dated
 * entity's by-date index and every customer's touches. ZADD of an entry already there changes
 * nothing, so a run after a crash half-way goes over the records again safely; records written
 * meanwhile keep their own entries (the write sets the same scores).
 */
export const accessPathsMigration: Migration = {
  id: '004-access-paths',
  description:
    "index leads, touchpoints, activities, sales and spend by date, and customers' touches",
  async run(ctx: MigrationContext) {
    const { redis, keys, tenantId } = ctx;
    let changed = 0;
    for (const entity of Object.keys(TIME_FIELDS)) {
      const key = keys.records(tenantId, entity);
      await eachFieldInPages(redis, key, (m, id, body) => {
        const rec = decodeBody(id, entity, body, false);
        const { touchMs, dateScore } = indexScores(entity, rec.f);
        if (dateScore >= 0) m.zadd(keys.recordsByDate(tenantId, entity), dateScore, rec.id);
        if (TOUCH_ENTITIES.has(entity) && rec.customerId && touchMs >= 0)
          m.zadd(keys.customerTouches(tenantId, rec.customerId), touchMs, `${entity}:${rec.id}`);
        changed++;
      });
    }
    return { changed };
  },
};
