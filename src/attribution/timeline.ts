import type { AccessPaths } from '../records/access-paths.ts';
import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import { leadInput, touchpointInput } from './inputs.ts';
import { buildTouches } from './touches.ts';
import type { LeadInput, Touch, TouchpointInput } from './types.ts';

/** A customer's records as attribution reads them, from the customer's touches access path. */
export interface Timeline {
  customerId: string;
  /** The customer's touches (leads and credited touchpoints), ordered. */
  touches: Touch[];
  /** The customer's lead and touchpoint records as read (for their "seen" entries). */
  records: StoredRecord[];
  /** The customer's sale records. */
  sales: StoredRecord[];
}

// The whole timeline: a touchpoint in the window may be the same touch as a lead before it.
const ALL_TIME = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] as const;

/**
 * Reads one customer's timeline: one ZRANGEBYSCORE of the customer's touches, then the leads,
 * touchpoints and sales it names (one HMGET per entity). Records that moved to another customer
 * since the index was read are left out (their own change re-attributes them).
 */
export async function loadTimeline(
  access: AccessPaths,
  records: RecordStore,
  tenantId: string,
  customerId: string,
): Promise<Timeline> {
  const members = await access.touchesOfCustomer(tenantId, customerId, ...ALL_TIME);
  const ids = (entity: string) => members.filter((m) => m.entity === entity).map((m) => m.id);
  const [leads, tps, sales] = await Promise.all(
    ['lead', 'touchpoint', 'sale'].map(async (e) =>
      (await records.getMany(tenantId, e, ids(e), { lean: true })).filter(
        (r): r is StoredRecord => r !== null && r.customerId === customerId,
      ),
    ),
  );
  const leadInputs = leads!.map(leadInput).filter((l): l is LeadInput => l !== null);
  const tpInputs = tps!.map(touchpointInput).filter((p): p is TouchpointInput => p !== null);
  return {
    customerId,
    touches: buildTouches(leadInputs, tpInputs),
    records: [...leads!, ...tps!],
    sales: sales!,
  };
}
