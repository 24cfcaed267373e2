import type { Redis } from 'ioredis';

import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore, RecordWrite } from '../records/record-store.ts';
import type { Keys } from '../store/keys.ts';
import type { CustomerMerge } from './resolve.ts';
import type { Membership } from './members.ts';

/** Rounds of re-reading records that lost a write race while being re-pointed. */
const MAX_ROUNDS = 16;
/** Fields of the merge marks hash read per HMGET. */
const MARKS_PER_READ = 1_000;

/**
 * Of the customers `ids`, the records of those merged into another (`mergedInto` set), read lean:
 * only customers the tenant's merge marks (the identity hash `merged`, loser → survivor) name are
 * read, so a reader of thousands of changed customers (an import) sends Redis one small HMGET per
 * 1,000 instead of reading every body. Identity writes the mark before the loser's record gets
 * `mergedInto` (resolve-script.ts), and migration 007 marks the customers merged before marks
 * were kept for every merge; a mark whose record is not marked yet (a merge half applied) is
 * left out, as the record says.
 */
export async function mergedCustomers(
  redis: Redis,
  k: Keys,
  records: RecordStore,
  tenantId: string,
  ids: readonly string[],
): Promise<StoredRecord[]> {
  const key = k.identity(tenantId, 'merged');
  const reads = [];
  for (let s = 0; s < ids.length; s += MARKS_PER_READ)
    reads.push(redis.hmget(key, ...ids.slice(s, s + MARKS_PER_READ)));
  const marks = (await Promise.all(reads)).flat();
  const marked = ids.filter((_, i) => marks[i]);
  if (marked.length === 0) return [];
  const found = await records.getMany(tenantId, 'customer', marked, { lean: true });
  return found.filter(
    (r): r is StoredRecord => typeof r?.f.mergedInto === 'string' && r.f.mergedInto !== '',
  );
}

/**
 * Points records (`<entity>:<id>` members) at their customer, by compare-and-set on the stored
 * record, re-reading those a concurrent writer changed meanwhile. Each change goes on the change
 * feed like any other. Missing records are skipped. Idempotent.
 */
export async function repointRecords(
  records: RecordStore,
  tenantId: string,
  items: readonly Membership[],
  sourceConnectionId: string,
): Promise<number> {
  const byEntity = new Map<string, Map<string, string>>();
  for (const { member, customerId } of items) {
    const colon = member.indexOf(':');
    const entity = member.slice(0, colon);
    let m = byEntity.get(entity);
    if (!m) byEntity.set(entity, (m = new Map()));
    m.set(member.slice(colon + 1), customerId);
  }
  let changed = 0;
  for (const [entity, target] of byEntity) {
    let ids = [...target.keys()];
    for (let round = 0; ids.length && round < MAX_ROUNDS; round++) {
      const recs = await records.getMany(tenantId, entity, ids);
      const writes: RecordWrite[] = [];
      for (const r of recs) {
        if (!r || r.customerId === target.get(r.id)) continue;
        writes.push(write({ ...r, customerId: target.get(r.id)! }, sourceConnectionId));
      }
      const lost = new Set((await records.writeMany(tenantId, writes)).map((w) => w.record.id));
      changed += writes.length - lost.size;
      ids = [...lost];
    }
    if (ids.length) throw new Error(`${ids.length} ${entity} records kept losing re-point races`);
  }
  return changed;
}

const write = (record: StoredRecord, sourceConnectionId: string): RecordWrite => ({
  record,
  expected: record.v,
  changed: ['customerId'],
  sourceConnectionId,
});

/**
 * Applies merges to the canonical records: the loser's customer record is marked
 * `mergedInto` the survivor (a change of entity `customer` on the feed, for readers such as
 * attribution), the survivor gets the loser's fields it lacks (never replacing its own), and the
 * loser's records are re-pointed at the survivor.
 */
export async function applyMerges(
  records: RecordStore,
  tenantId: string,
  merges: readonly CustomerMerge[],
  sourceConnectionId: string,
): Promise<void> {
  if (merges.length === 0) return;
  const final = new Map(merges.map((m) => [m.loser, m.survivor]));
  const settle = (id: string) => {
    for (let i = 0; final.has(id) && i < merges.length; i++) id = final.get(id)!;
    return id;
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const ids = [...new Set(merges.flatMap((m) => [m.loser, settle(m.survivor)]))];
    const recs = new Map(
      (await records.getMany(tenantId, 'customer', ids)).map((r, i) => [ids[i]!, r]),
    );
    const writes = new Map<string, RecordWrite>();
    for (const m of merges) {
      const loser = recs.get(m.loser);
      if (!loser || loser.f.mergedInto === settle(m.survivor)) continue;
      const survivorId = settle(m.survivor);
      const survivor = writes.get(survivorId)?.record ?? recs.get(survivorId);
      if (survivor) {
        const w = writes.get(survivorId) ?? write(survivor, sourceConnectionId);
        for (const path in loser.f)
          if (!(path in survivor.f) && path !== 'mergedInto') {
            survivor.f[path] = loser.f[path]!;
            if (loser.m[path]) survivor.m[path] = loser.m[path];
          }
        writes.set(survivorId, w);
      }
      loser.f.mergedInto = survivorId;
      writes.set(m.loser, write(loser, sourceConnectionId));
    }
    if ((await records.writeMany(tenantId, [...writes.values()])).length === 0) break;
  }
  const members = merges.flatMap((m) =>
    m.members.map((member) => ({ member, customerId: settle(m.survivor) })),
  );
  await repointRecords(records, tenantId, members, sourceConnectionId);
}
