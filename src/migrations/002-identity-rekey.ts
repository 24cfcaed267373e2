import type { Redis } from 'ioredis';

import { applyMerges } from '../identity/merge.ts';
import { addMembers } from '../identity/members.ts';
import {
  CONTACT_ENTITIES,
  allRecords,
  byTime,
  clearIdentity,
  contactFields,
  contactOfRecord,
  derivedCustomerId,
} from '../identity/rekey.ts';
import { resolveCustomers, type ResolvedCustomer } from '../identity/resolve.ts';
import { mergeFields, type StoredRecord } from '../records/merge.ts';
import { RecordStore, decodeBody, type RecordWrite } from '../records/record-store.ts';
import type { Migration, MigrationContext } from './types.ts';

/** Contacts resolved per identity script call. */
const BATCH = 500;
/** Source connection id written on the change feed for the migration's changes. */
const SOURCE = 'migration:002-identity-rekey';

/**
 * Re-resolves a tenant's identity under the rules of README "Identity rules": the indexes are
 * rebuilt from every record (customer records first, then leads, sales, touchpoints and activities
 * as they happened), records are re-pointed at the customer identity now gives them (splitting
 * customers that the old last-name + postal key over-merged: a person it had joined gets a
 * customer of their own, created from the contact details of their records), with their match key
 * and confidence, and a customer record that turns out to be another's is marked `mergedInto`.
 * Safe to run again after a crash: it starts from cleared indexes and derives new customer ids
 * from record ids.
 */
export const identityRekey: Migration = {
  id: '002-identity-rekey',
  description: 're-resolve customers under strong/weak identity keys; split over-merged ones',
  async run(ctx: MigrationContext) {
    const { redis, keys, tenantId } = ctx;
    const store = new RecordStore(redis, keys);
    const entities = ['customer', ...CONTACT_ENTITIES];
    const lists = await Promise.all(
      entities.map((e) =>
        allRecords(redis, keys, tenantId, e, (id, body) => decodeBody(id, e, body)),
      ),
    );
    const records = lists.flat().sort(byTime);
    await clearIdentity(redis, keys, tenantId);
    const people: (ResolvedCustomer | null)[] = [];
    for (let s = 0; s < records.length; s += BATCH) {
      const batch = records.slice(s, s + BATCH);
      const { people: got, merges } = await resolveCustomers(
        redis,
        keys,
        tenantId,
        batch.map(contactOfRecord),
        (i) => (batch[i]!.entity === 'customer' ? batch[i]!.id : derivedCustomerId(batch[i]!)),
      );
      people.push(...got);
      await applyMerges(store, tenantId, merges, SOURCE);
      ctx.progress?.(Math.min(records.length, s + BATCH), records.length);
    }
    await followMerges(redis, keys.identity(tenantId, 'merged'), people);
    let changed = await createCustomers(store, tenantId, records, people);
    changed += await repoint(store, tenantId, records, people);
    const members = records.flatMap((r, i) =>
      r.entity !== 'customer' && people[i]
        ? [{ member: `${r.entity}:${r.id}`, customerId: people[i]!.customerId }]
        : [],
    );
    for (let s = 0; s < members.length; s += BATCH)
      await addMembers(redis, keys, tenantId, members.slice(s, s + BATCH));
    return { changed };
  },
};

/** Points each result at the customer it lives on as after the merges of later batches. */
async function followMerges(redis: Redis, mergedKey: string, people: (ResolvedCustomer | null)[]) {
  const merged = await redis.hgetall(mergedKey);
  for (const p of people) {
    if (!p) continue;
    for (let n = 0; merged[p.customerId] && n < people.length; n++)
      p.customerId = merged[p.customerId]!;
  }
}

/** Customers identity created from records that are not customers: built from their contacts. */
async function createCustomers(
  store: RecordStore,
  tenantId: string,
  records: StoredRecord[],
  people: (ResolvedCustomer | null)[],
): Promise<number> {
  const byCustomer = new Map<string, StoredRecord[]>();
  records.forEach((r, i) => {
    const p = people[i];
    if (r.entity === 'customer' || !p) return;
    const list = byCustomer.get(p.customerId);
    if (list) list.push(r);
    else byCustomer.set(p.customerId, [r]);
  });
  const ids = [...byCustomer.keys()];
  const existing = await store.getMany(tenantId, 'customer', ids);
  const writes: RecordWrite[] = [];
  ids.forEach((id, j) => {
    if (existing[j]) return;
    const rec: StoredRecord = { id, entity: 'customer', v: 0, f: {}, m: {} };
    for (const r of byCustomer.get(id)!) {
      const src = Object.values(r.m)[0] ?? { src: SOURCE, at: 0 };
      mergeFields(rec, contactFields(r), { connectorId: src.src, at: src.at, owners: new Map() });
    }
    writes.push({
      record: rec,
      expected: 0,
      changed: Object.keys(rec.f),
      sourceConnectionId: SOURCE,
    });
  });
  const lost = await store.writeMany(tenantId, writes);
  return writes.length - lost.length;
}

/** Points every record at its customer with its match, and marks customer records merged. */
async function repoint(
  store: RecordStore,
  tenantId: string,
  records: StoredRecord[],
  people: (ResolvedCustomer | null)[],
): Promise<number> {
  let changed = 0;
  for (let s = 0; s < records.length; s += BATCH) {
    const idx = records.slice(s, s + BATCH).map((_, j) => s + j);
    const fresh = await readFresh(store, tenantId, records, idx);
    const writes: RecordWrite[] = [];
    for (const i of idx) {
      const r = fresh.get(i);
      const p = people[i];
      if (!r || !p) continue;
      const before = JSON.stringify([r.customerId, r.matchKey, r.f.mergedInto]);
      if (r.entity !== 'customer') r.customerId = p.customerId;
      else if (p.customerId !== r.id) r.f.mergedInto = p.customerId;
      if (p.matchKey) {
        r.matchKey = p.matchKey;
        r.matchConfidence = p.matchConfidence ?? undefined;
      } else {
        delete r.matchKey;
        delete r.matchConfidence;
      }
      if (JSON.stringify([r.customerId, r.matchKey, r.f.mergedInto]) === before) continue;
      writes.push({
        record: r,
        expected: r.v,
        changed: ['customerId'],
        sourceConnectionId: SOURCE,
      });
    }
    const lost = await store.writeMany(tenantId, writes);
    if (lost.length)
      throw new Error(`${lost.length} records changed while being re-keyed; run again`);
    changed += writes.length;
  }
  return changed;
}

/** The current stored form of some of the records (by index), one read per entity. */
async function readFresh(
  store: RecordStore,
  tenantId: string,
  records: StoredRecord[],
  idx: number[],
): Promise<Map<number, StoredRecord>> {
  const byEntity = new Map<string, number[]>();
  for (const i of idx) {
    const e = records[i]!.entity;
    byEntity.set(e, [...(byEntity.get(e) ?? []), i]);
  }
  const out = new Map<number, StoredRecord>();
  for (const [entity, list] of byEntity) {
    const got = await store.getMany(
      tenantId,
      entity,
      list.map((i) => records[i]!.id),
    );
    list.forEach((i, j) => {
      if (got[j]) out.set(i, got[j]!);
    });
  }
  return out;
}
