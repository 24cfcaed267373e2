import { decodeBody } from '../records/record-store.ts';
import { eachFieldInPages } from './scan-pages.ts';
import type { Migration, MigrationContext } from './types.ts';

/**
 * Builds the two sets the change-feed readers use to pick, among thousands of changed customers,
 * the few that matter without reading each one: every customer record marked `mergedInto` gets
 * its merge mark (identity hash `merged`, loser → survivor; identity always marked the merges it
 * made, 002-identity-rekey marked customer records merged without one), and every customer a sale
 * names joins the buyers set (which the record writes keep from now on). HSETNX keeps a mark
 * already there and SADD of a member changes nothing, so a run after a crash half-way goes over
 * the records again safely. Returns the marks and buyers added.
 */
export const readerSetsMigration: Migration = {
  id: '007-reader-sets',
  description: 'mark merged customers in the identity merge marks, and index buyers',
  async run(ctx: MigrationContext) {
    const { redis, keys, tenantId } = ctx;
    const marks = keys.identity(tenantId, 'merged');
    const buyers = keys.buyers(tenantId);
    let changed = 0;
    changed += await eachFieldInPages(redis, keys.records(tenantId, 'customer'), (m, id, body) => {
      const into = decodeBody(id, 'customer', body, false).f.mergedInto;
      if (typeof into === 'string' && into !== '') m.hsetnx(marks, id, into);
    });
    changed += await eachFieldInPages(redis, keys.records(tenantId, 'sale'), (m, id, body) => {
      const customerId = decodeBody(id, 'sale', body, false).customerId;
      if (customerId) m.sadd(buyers, customerId);
    });
    return { changed };
  },
};
