import type { Hub } from '../hub.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { DerivedReader } from '../sync/sync-queue.ts';
import { ConversionDeriver, DERIVE_ENTITIES } from './deriver.ts';

/** Job name of a conversion derivation pass on the sync queue. */
export const DERIVE_CONVERSIONS_JOB = 'derive-conversions';

/**
 * The conversion deriver as a reader the sync queue runs: woken by changes of sales, leads,
 * touchpoints and customers; what it changes (conversions, customers made owners) wakes the
 * outbound syncs of those entities in turn.
 */
export function conversionsReader(hub: Hub, records: RecordStore): DerivedReader {
  const deriver = new ConversionDeriver(hub, records);
  return {
    name: DERIVE_CONVERSIONS_JOB,
    entities: new Set(DERIVE_ENTITIES),
    async run(tenantId, signal, jobId) {
      const r = await deriver.run(tenantId, signal, jobId ? `job:${jobId}` : undefined);
      const changed = new Set<string>();
      if (r.conversions) changed.add('conversion');
      if (r.owners) changed.add('customer');
      // A pass asked for while this one ran (it was locked out) goes now.
      return { changed, again: r.ran && (await deriver.takePending(tenantId)), report: r };
    },
  };
}
