import type { Conversion } from '../canonical/index.ts';
import { flatten, sameValue } from '../records/flat.ts';
import type { FieldMeta, StoredRecord } from '../records/merge.ts';
import type { RecordStore, RecordWrite } from '../records/record-store.ts';

/** Source connection id of the records the closed loop derives (on the change log). */
export const CLOSED_LOOP_SOURCE = 'closed-loop';
/** Rounds of re-reading records that lost a write race. */
const MAX_ROUNDS = 8;

/**
 * Writes records by compare-and-set: `build` gets the current record (null: none yet) and returns
 * the record to write, or null when the stored one is already right (nothing written). Records a
 * concurrent writer changed meanwhile are read again and rebuilt. Returns how many were written.
 */
export async function writeDerived(
  records: RecordStore,
  tenantId: string,
  entity: string,
  ids: readonly string[],
  build: (id: string, current: StoredRecord | null) => StoredRecord | null,
): Promise<number> {
  let todo = [...new Set(ids)];
  let written = 0;
  for (let round = 0; todo.length && round < MAX_ROUNDS; round++) {
    const current = await records.getMany(tenantId, entity, todo);
    const writes: RecordWrite[] = [];
    todo.forEach((id, i) => {
      const cur = current[i] ?? null;
      const next = build(id, cur);
      if (next)
        writes.push({
          record: next,
          expected: cur?.v ?? 0,
          changed: Object.keys(next.f),
          sourceConnectionId: CLOSED_LOOP_SOURCE,
        });
    });
    const lost = await records.writeMany(tenantId, writes);
    written += writes.length - lost.length;
    todo = lost.map((w) => w.record.id);
  }
  if (todo.length) throw new Error(`${todo.length} ${entity} records kept losing write races`);
  return written;
}

/**
 * Stores derived conversions: each under its stable id, written only when its fields differ from
 * the stored record (deriving the same conversion again is a no-op, so a re-run or a crash
 * writes nothing twice). Returns how many records were created or changed.
 */
export async function writeConversions(
  records: RecordStore,
  tenantId: string,
  conversions: readonly Conversion[],
): Promise<number> {
  const byId = new Map<string, Conversion>();
  for (const c of conversions) if (!byId.has(c.id)) byId.set(c.id, c);
  const meta: FieldMeta = { src: CLOSED_LOOP_SOURCE, at: Date.now() };
  return writeDerived(records, tenantId, 'conversion', [...byId.keys()], (id, cur) => {
    const { id: _id, ...fields } = byId.get(id)!;
    const f = flatten(fields);
    if (cur && sameValue(cur.f, f)) return null;
    const m: Record<string, FieldMeta> = {};
    for (const path in f) m[path] = meta;
    return { id, entity: 'conversion', v: cur?.v ?? 0, f, m };
  });
}

/**
 * Marks customers who bought as `type: owner`, through the ordinary record write (the change
 * feed tells the email tools' syncs). Set by the hub with the `hub` owner rule, so no system's
 * stale "prospect" read back later undoes a sale. Returns how many customers changed.
 */
export async function markOwners(
  records: RecordStore,
  tenantId: string,
  customerIds: readonly string[],
): Promise<number> {
  const meta: FieldMeta = { src: 'hub', at: Date.now(), o: 'hub' };
  return writeDerived(records, tenantId, 'customer', customerIds, (_id, cur) => {
    if (!cur || cur.f.mergedInto || (cur.f.type === 'owner' && cur.m.type?.o === 'hub'))
      return null;
    return { ...cur, f: { ...cur.f, type: 'owner' }, m: { ...cur.m, type: meta } };
  });
}
