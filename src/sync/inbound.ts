import { UNREADABLE, type ConnectorDef, type SystemRecord } from '../sdk/connector.ts';
import { flatten, unflatten, type FlatFields } from '../records/flat.ts';
import { HashBatch } from '../records/hash-batch.ts';
import { defusePage } from '../records/poison.ts';
import { mergeFields, type StoredRecord } from '../records/merge.ts';
import type { RecordWrite } from '../records/record-store.ts';
import { newCustomerId, resolveCustomers, type ResolvedCustomer } from '../identity/resolve.ts';
import { applyMerges, repointRecords } from '../identity/merge.ts';
import { addMembers } from '../identity/members.ts';
import { newRecordId } from '../records/ids.ts';
import type { Contact } from '../canonical/index.ts';
import { tenantDate } from '../attribution/dates.ts';
import {
  countMissing,
  countRejected,
  recordQuality,
  zeroQuality,
  type QualityCounts,
} from '../quality/counters.ts';
import { sameSourceDuplicates } from '../quality/duplicates.ts';
import { encodeDestination } from './destinations.ts';
import { outHash } from './out-hash.ts';
import type { FieldProblem } from './quarantine.ts';
import type { SyncServices } from './services.ts';
import { mapIn, mapOut, type SyncMapping } from './sync-mapping.ts';
import { unmatchableNotes } from './run-notes.ts';
import { zeroCounts, type PageCounts, type Sync } from './types.ts';

/** Everything one inbound page needs to know about where it runs. */
export interface InboundScope {
  sync: Sync;
  connector: ConnectorDef;
  mapping: SyncMapping;
  stream: string;
  /** Whether the sync is two-way (what the system has is remembered for any mapping that writes out). */
  twoWay: boolean;
}

interface Accepted {
  key: string;
  flat: FlatFields;
  /** The mapped record itself, while `flat` is just its flattening (not merged from duplicates). */
  nested?: Record<string, unknown>;
  at: number;
}

const CUSTOMER_PREFIX = 'customer.';
const MAX_CAS_ROUNDS = 8;

/**
 * Takes one page of system records into the hub: archive the raw page, map and validate
 * (quarantine what fails), resolve identity, merge into canonical records under the owner rules,
 * append the changes, and link the records. Returns the page's counts.
 */
export async function ingestPage(
  svc: SyncServices,
  scope: InboundScope,
  records: SystemRecord[],
  opts: { onProblems?: (problems: FieldProblem[]) => void; archived?: boolean } = {},
): Promise<PageCounts> {
  const { sync } = scope;
  const tenantId = sync.tenantId;
  const counts: PageCounts = { ...zeroCounts(), read: records.length };
  if (records.length === 0) return counts;
  // Records too deep, too large or not JSON are quarantined as unreadable; the page goes on.
  records = defusePage(records);
  // A replay (onProblems) was counted when it was first read; everything else feeds data quality.
  const quality = opts.onProblems ? null : { ...zeroQuality(), read: records.length };
  const settings = quality ? svc.hub.settings.get(tenantId) : null;
  settings?.catch(() => undefined); // awaited once the page merged
  // The raw page is archived while it is mapped and merged; the page (and so its cursor) only
  // counts as done once the archive has it too.
  const archiving = opts.archived
    ? null
    : svc.hub.archive.append({ tenantId, connectorId: scope.connector.id, kind: 'raw' }, records);
  archiving?.catch(() => undefined); // awaited below; this only keeps it from being "unhandled"
  try {
    const done = await mergePage(svc, scope, records, counts, opts, quality);
    if (quality && settings) {
      const day = tenantDate(Date.now(), (await settings).timeZone);
      await recordQuality(svc.hub.redis, svc.hub.keys, tenantId, sync.connectionId, day, quality);
    }
    return done;
  } finally {
    if (archiving) await archiving;
  }
}

/** Maps, validates, resolves and merges one page (see `ingestPage`). */
async function mergePage(
  svc: SyncServices,
  scope: InboundScope,
  records: SystemRecord[],
  counts: PageCounts,
  opts: { onProblems?: (problems: FieldProblem[]) => void },
  quality: QualityCounts | null,
): Promise<PageCounts> {
  const { sync, mapping } = scope;
  const tenantId = sync.tenantId;

  // 1. Map and validate; group by record key (a page can carry one record twice).
  const byKey = new Map<string, Accepted>();
  const rejected: { record: SystemRecord; key: string | null; problems: FieldProblem[] }[] = [];
  const partial: { record: SystemRecord; key: string; problems: FieldProblem[] }[] = [];
  const now = Date.now();
  for (const record of records) {
    const key = mapping.recordKey(record);
    const unreadable = record[UNREADABLE];
    if (typeof unreadable === 'string') {
      rejected.push({
        record,
        key: key ?? null,
        problems: [{ field: '(record)', reason: unreadable }],
      });
      continue;
    }
    const mapped = mapIn(mapping, record);
    if (!key || mapped.fatal.length) {
      const problems = key
        ? mapped.fatal
        : [{ field: '(record key)', reason: 'the record has no key' }, ...mapped.fatal];
      rejected.push({ record, key: key ?? null, problems });
      continue;
    }
    if (mapped.warnings.length) partial.push({ record, key, problems: mapped.warnings });
    // The canonical id is the hub's; a system's own id travels as the record key (link table).
    const { id: _systemId, ...value } = mapped.value;
    const flat = flatten(value);
    const prev = byKey.get(key);
    byKey.set(key, {
      key,
      flat: prev ? { ...prev.flat, ...flat } : flat,
      nested: prev ? undefined : value,
      at: mapping.changedAt(mapped.value) ?? now,
    });
  }
  counts.quarantined = rejected.length;
  if (quality) {
    countRejected(
      quality,
      rejected.map((r) => r.problems),
    );
    for (const p of partial) quality.invalidNormalized += p.problems.length;
  }
  if (opts.onProblems) {
    opts.onProblems([...rejected, ...partial].flatMap((r) => r.problems));
  } else {
    await svc.quarantine.add(
      [...rejected, ...partial].map((r) => ({
        tenantId,
        syncId: sync.id,
        connectionId: sync.connectionId,
        direction: 'in' as const,
        stream: scope.stream,
        externalKey: r.key,
        record: r.record,
        problems: r.problems,
      })),
    );
  }
  const accepted = [...byKey.values()];
  if (accepted.length === 0) return counts;

  // 2. Known records (link table), then people (identity keys).
  const linkKey = svc.hub.keys.links(tenantId, sync.connectionId, scope.stream);
  const linking = svc.hub.redis.hmget(linkKey, ...accepted.map((a) => a.key));
  const isCustomer = mapping.entity === 'customer';
  const contacts = accepted.map((a) => contactOf(a, isCustomer));
  // The link lookup and identity resolution go to Redis together.
  const [linked, { people, merges }] = await Promise.all([
    linking,
    resolveCustomers(svc.hub.redis, svc.hub.keys, tenantId, contacts),
  ]);
  await applyMerges(svc.records, tenantId, merges, sync.connectionId);
  if (quality) countMissing(quality, mapping.entity, contacts);
  const unmatched = unmatchableNotes(contacts, people);
  if (unmatched) counts.notes = unmatched;
  const ids = accepted.map(
    (_, i) =>
      linked[i] ??
      (isCustomer ? (people[i]?.customerId ?? newCustomerId()) : newRecordId(mapping.entity)),
  );

  // 3. Merge and compare-and-set, re-reading what lost a race.
  const source = (a: Accepted) => ({
    connectorId: scope.connector.id,
    at: a.at,
    owners: mapping.owners,
  });
  let pending = accepted.map((_, i) => i);
  const final = new Set<number>();
  const resultOf = new Map<number, { created: boolean; changed: boolean; record: StoredRecord }>();
  // Ids this page just made (not linked, and for customers not matched to a known person) name
  // records that cannot exist yet: the first round does not read them.
  const isNew = (i: number) => !linked[i] && (!isCustomer || !people[i] || people[i]!.created);
  // Data quality's duplicates are judged on what the source had before this page (its links and
  // record sets are written in step 4), while the page merges.
  const duplicates = quality
    ? sameSourceDuplicates(svc.hub.redis, svc.hub.keys, tenantId, {
        entity: mapping.entity,
        destinations: svc.hub.keys.destinations(tenantId, sync.connectionId, scope.stream),
        news: people.map((p, i) => (linked[i] ? null : p)),
      })
    : null;
  duplicates?.catch(() => undefined); // awaited after the merge
  for (let round = 0; pending.length && round < MAX_CAS_ROUNDS; round++) {
    const toRead = round === 0 ? pending.filter((i) => !isNew(i)) : pending;
    const custIds = isCustomer
      ? []
      : pending.map((i) => people[i]?.customerId).filter((x): x is string => !!x);
    const [read, custRecords] = await Promise.all([
      svc.records.getMany(
        tenantId,
        mapping.entity,
        toRead.map((i) => ids[i]!),
      ),
      svc.records.getMany(tenantId, 'customer', custIds),
    ]);
    const readByIdx = new Map(toRead.map((i, j) => [i, read[j]]));
    const current = pending.map((i) => readByIdx.get(i) ?? null);
    const custs = new Map(custRecords.map((c, j) => [custIds[j]!, c]));
    const writes: (RecordWrite & { idx: number })[] = [];
    const customerWrites = new Map<string, RecordWrite & { idx: number }>();
    pending.forEach((i, j) => {
      const a = accepted[i]!;
      const rec = current[j] ?? { id: ids[i]!, entity: mapping.entity, v: 0, f: {}, m: {} };
      const expected = rec.v;
      const changed = mergeFields(rec, a.flat, source(a));
      const person = people[i];
      if (person && setMatch(rec, person, !isCustomer) && !changed.length)
        changed.push('customerId');
      if (!final.has(i))
        resultOf.set(i, { created: expected === 0, changed: changed.length > 0, record: rec });
      if (changed.length)
        writes.push({
          record: rec,
          expected,
          changed,
          sourceConnectionId: sync.connectionId,
          idx: i,
        });
      if (!isCustomer && person) {
        const cw = customerWrites.get(person.customerId);
        const cust = cw?.record ??
          custs.get(person.customerId) ?? {
            id: person.customerId,
            entity: 'customer',
            v: 0,
            f: {},
            m: {},
          };
        const cChanged = mergeFields(cust, guardContact(cust, contactFlat(a.flat)), {
          ...source(a),
          owners: customerOwners(mapping),
        });
        if (cw) cw.changed.push(...cChanged);
        else if (cChanged.length)
          customerWrites.set(person.customerId, {
            record: cust,
            expected: cust.v,
            changed: cChanged,
            sourceConnectionId: sync.connectionId,
            idx: i,
          });
      }
    });
    const lost = (await svc.records.writeMany(tenantId, [
      ...writes,
      ...customerWrites.values(),
    ])) as (RecordWrite & { idx: number })[];
    const lostOwn = new Set(
      lost.filter((w) => w.record.entity === mapping.entity).map((w) => w.idx),
    );
    for (const i of pending) if (!lostOwn.has(i)) final.add(i);
    pending = [...new Set(lost.map((w) => w.idx))];
  }
  if (pending.length)
    throw new Error(`${pending.length} records kept losing write races; the page will be retried`);
  if (quality && duplicates) quality.duplicatesMerged += await duplicates;

  // 4. Links, and (whenever the mapping also writes out) the hash of what this system has now:
  // its own record mapped in and back out. Any outbound sync of this connection and stream (this
  // two-way sync, or a separate outbound one) then writes only where the canonical record differs
  // from it, so an incoming change is not echoed back, and a value that lost a conflict is corrected.
  const writes = new HashBatch();
  const destKey = svc.hub.keys.destinations(tenantId, sync.connectionId, scope.stream);
  const twoWay = mapping.writesOut;
  accepted.forEach((a, i) => {
    const id = ids[i]!;
    if (!linked[i]) writes.set(linkKey, a.key, id);
    if (twoWay) {
      const out = mapOut(mapping, unflatten(a.flat));
      const hash =
        out.value && !out.fatal.length ? outHash(mapping, out.value, sync.connectionId, id) : null;
      // No version: what this system has may differ from the canonical record (a value of its
      // that lost a conflict), and only the hash tells whether it must be corrected.
      writes.set(destKey, id, encodeDestination({ hash, v: null, id: a.key }));
    } else if (!linked[i])
      writes.set(destKey, id, encodeDestination({ hash: null, v: null, id: a.key }));
  });
  const members = isCustomer ? [] : memberships(mapping.entity, accepted, ids, people);
  const [, stale] = await Promise.all([
    writes.flush(svc.hub.redis),
    addMembers(svc.hub.redis, svc.hub.keys, tenantId, members),
  ]);
  // A merge by a concurrent page after this page resolved: its records follow the survivor.
  await repointRecords(svc.records, tenantId, stale, sync.connectionId);

  for (const r of resultOf.values()) {
    if (r.created) counts.created++;
    else if (r.changed) counts.updated++;
    else counts.unchanged++;
  }
  return counts;
}

/**
 * Sets a record's customer (unless it is the customer) and match key from identity, when the
 * record is new or moves to another customer: a re-read of the same record keeps what it had.
 * Returns whether anything changed.
 */
function setMatch(rec: StoredRecord, person: ResolvedCustomer, link: boolean): boolean {
  if (link ? rec.customerId === person.customerId : rec.v !== 0) return false;
  if (link) rec.customerId = person.customerId;
  if (person.matchKey) {
    rec.matchKey = person.matchKey;
    rec.matchConfidence = person.matchConfidence ?? undefined;
  } else {
    delete rec.matchKey;
    delete rec.matchConfidence;
  }
  return link || !!person.matchKey;
}

/** Who a person is: fields a record's contact details may fill on its customer, never replace. */
const PERSONAL = ['email', 'firstName', 'lastName'] as const;

/**
 * A record's contact fields as its customer may take them: an email or name the customer already
 * has with another value is left out (identity only joins records that agree on them, so a
 * difference is another person's detail or a typo: never one person's details over another's).
 */
function guardContact(cust: StoredRecord, flat: FlatFields): FlatFields {
  let out: FlatFields | undefined;
  for (const f of PERSONAL) {
    const have = cust.f[f];
    if (have !== undefined && flat[f] !== undefined && flat[f] !== have) {
      out ??= { ...flat };
      delete out[f];
    }
  }
  return out ?? flat;
}

/** The page's records with a customer, as members of their customer's record set. */
function memberships(
  entity: string,
  accepted: readonly Accepted[],
  ids: readonly string[],
  people: readonly (ResolvedCustomer | null)[],
) {
  const out: { member: string; customerId: string }[] = [];
  accepted.forEach((_, i) => {
    const p = people[i];
    if (p) out.push({ member: `${entity}:${ids[i]!}`, customerId: p.customerId });
  });
  return out;
}

/** The contact part of a mapped record: the record itself for customers, `customer.*` otherwise. */
function contactOf(a: Accepted, isCustomer: boolean): Contact | undefined {
  if (isCustomer && a.nested) return a.nested as Contact;
  const c = unflatten(isCustomer ? a.flat : contactFlat(a.flat)) as Contact;
  for (const _ in c) return c;
  return undefined;
}

const ownersCache = new WeakMap<SyncMapping, ReadonlyMap<string, string>>();

/** Owner rules of a mapping's `customer.*` fields, as rules of the customer record's fields. */
function customerOwners(mapping: SyncMapping): ReadonlyMap<string, string> {
  let owners = ownersCache.get(mapping);
  if (!owners) {
    const m = new Map<string, string>();
    for (const [path, owner] of mapping.owners)
      if (path.startsWith(CUSTOMER_PREFIX)) m.set(path.slice(CUSTOMER_PREFIX.length), owner);
    ownersCache.set(mapping, (owners = m));
  }
  return owners;
}

/** `customer.*` fields with the prefix removed. */
function contactFlat(flat: FlatFields): FlatFields {
  const out: FlatFields = {};
  for (const k in flat)
    if (k.startsWith(CUSTOMER_PREFIX)) out[k.slice(CUSTOMER_PREFIX.length)] = flat[k];
  return out;
}
