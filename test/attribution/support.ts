import type { Redis } from 'ioredis';

import { KEY, stateKeys } from '../../src/attribution/state.ts';
import { flatten } from '../../src/records/flat.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import type { RecordStore } from '../../src/records/record-store.ts';
import type { Keys } from '../../src/store/keys.ts';

/** A canonical record of `entity` for `customerId` (high confidence unless `medium`). */
export function rec(
  entity: string,
  id: string,
  body: Record<string, unknown>,
  customerId?: string,
  conf: 'high' | 'medium' = 'high',
): StoredRecord {
  return {
    id,
    entity,
    v: 0,
    ...(customerId
      ? { customerId, matchKey: conf === 'high' ? 'email' : 'namePostal', matchConfidence: conf }
      : {}),
    f: flatten(body),
    m: {},
  };
}

/** Writes records as they are now (creating or replacing each, at its current version). */
export async function put(
  records: RecordStore,
  tenantId: string,
  recs: readonly StoredRecord[],
): Promise<void> {
  for (const r of recs) {
    const cur = await records.get(tenantId, r.entity, r.id);
    const lost = await records.writeMany(tenantId, [
      {
        record: { ...r, f: { ...r.f } },
        expected: cur?.v ?? 0,
        sourceConnectionId: 'test',
        changed: [],
      },
    ]);
    if (lost.length) throw new Error(`lost a write race on ${r.entity}:${r.id}`);
  }
}

/**
 * Everything attribution stores that a report or explain reads (sales, deals, rollups, base,
 * seen), to compare an incremental state with a full recompute's.
 */
export async function attributionSnapshot(
  redis: Redis,
  k: Keys,
  tenantId: string,
): Promise<Record<string, Record<string, string>>> {
  const keys = stateKeys(k, tenantId);
  const out: Record<string, Record<string, string>> = {};
  for (const [i, key] of keys.entries()) {
    if (i === KEY.meta || i === KEY.positions) continue;
    out[key.slice(key.lastIndexOf(':attr:') + 1)] = await redis.hgetall(key);
  }
  return out;
}
