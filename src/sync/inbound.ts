import { UNREADABLE, type ConnectorDef, type SystemRecord } from '../sdk/connector.ts';
import { flatten, unflatten, type FlatFields } from '../records/flat.ts';
import { HashBatch } from '../records/hash-batch.ts';
import { defusePage } from '../records/poison.ts';
import { mergeFields, type StoredRecord } from '../records/merge.ts';
import type { RecordWrite } from '../records/record-store.ts';
import { resolveCustomers, type ResolvedCustomer } from '../identity/resolve.ts';
import { applyMerges, repointRecords } from '../identity/merge.ts';
import { addMembers } from '../identity/members.ts';
import { derivedRecordId, naturalRecordId } from '../records/ids.ts';
import { keyTime, parseKey } from '../archive/layout.ts';
import { naturalKeyOf, type Contact } from '../canonical/index.ts';
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
import { landingPart, landingTargets } from './landing.ts';
import { outHash, sentForm } from './out-hash.ts';
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
  /** Ids of its origin records (`landsOn.origin.ids`), for a mapping whose records land on leads. */
  origin?: string[];
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
  opts: IngestOptions = {},
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
  // counts as done once the archive has it too. Its key is the seed of the ids the page's new
  // records take, and its time theirs, so replaying it (a rebuild) gives the same records.
  const page = opts.archived ?? {
    key: svc.hub.archive.newKey({
      tenantId,
      connectionId: sync.connectionId,
      stream: scope.stream,
      kind: 'raw',
      at: new Date(),
    }),
  };
  const archiving = opts.archived ? null : svc.hub.archive.write(page.key, records);
  archiving?.catch(() => undefined); // awaited below; this only keeps it from being "unhandled"
  try {
    const origin = { seed: page.key, at: pageTime(page.key) };
    const done = await mergePage(svc, scope, records, counts, opts, quality, origin);
    if (quality && settings) {
      const day = tenantDate(Date.now(), (await settings).timeZone);
      await recordQuality(svc.hub.redis, svc.hub.keys, tenantId, sync.connectionId, day, quality);
    }
    return done;
  } finally {
    if (archiving) await archiving;
  }
}

/** How `ingestPage` takes a page. */
export interface IngestOptions {
  /**
   * Problems go here instead of to the quarantine (and the page does not count in data quality):
   * a quarantine replay, or a rebuild.
   */
  onProblems?: (problems: FieldProblem[]) => void;
  /** The page is already in the archive under this key (a webhook delivery, a rebuild). */
  archived?: { key: string };
}

/** Where a page's new ids and source times come from: its archive key and time. */
interface PageOrigin {
  seed: string;
  at: number;
}

/** The time of an archived page, from its key. */
function pageTime(key: string): number {
  const parts = parseKey(key);
  if (!parts) throw new Error(`not an archive key: ${key}`);
  return keyTime(parts).getTime();
}

type Problems = { record: SystemRecord; key: string | null; problems: FieldProblem[] }[];

/** A page after mapping: what was accepted (grouped by record key) and what has problems. */
interface MappedPage {
  accepted: Accepted[];
  /** Records refused whole: unreadable, without a key, or with a fatal mapping problem. */
  rejected: Problems;
  /** Records taken with warnings (values normalized away). */
  partial: Problems;
}

/** What one page's merge works on once its records are known and its people resolved. */
interface PageContext {
  svc: SyncServices;
  scope: InboundScope;
  accepted: Accepted[];
  isCustomer: boolean;
  /** Each accepted record's canonical id when the link table knows its key. */
  linked: (string | null)[];
  people: (ResolvedCustomer | null)[];
  /** The existing lead each record of a `landsOn` mapping lands on (null: its own record). */
  landed: (string | null)[];
  /** The id its natural key gives (spend rows, `naturalKeyOf`): a record that may exist already. */
  natural: (string | null)[];
  ids: string[];
  linkKey: string;
}

interface MergeResult {
  created: boolean;
  changed: boolean;
  record: StoredRecord;
}

/** Maps, validates, resolves and merges one page (see `ingestPage`). */
async function mergePage(
  svc: SyncServices,
  scope: InboundScope,
  records: SystemRecord[],
  counts: PageCounts,
  opts: IngestOptions,
  quality: QualityCounts | null,
  origin: PageOrigin,
): Promise<PageCounts> {
  // 1. Map and validate; quarantine what fails.
  const page = mapPage(scope.mapping, records, origin.at);
  counts.quarantined = page.rejected.length;
  await reportProblems(svc, scope, page, opts, quality);
  if (page.accepted.length === 0) return counts;
  // 2. Known records (link table), then people (identity keys).
  const ctx = await resolvePage(svc, scope, page.accepted, counts, quality, origin);
  // 3. Merge and compare-and-set, re-reading what lost a race.
  const duplicates = quality ? pageDuplicates(ctx) : null;
  duplicates?.catch(() => undefined); // awaited after the merge
  const results = await mergeAll(ctx);
  if (quality && duplicates) quality.duplicatesMerged += await duplicates;
  // 4. Links, and what this system has now.
  await linkPage(ctx);
  for (const r of results.values()) {
    if (r.created) counts.created++;
    else if (r.changed) counts.updated++;
    else counts.unchanged++;
  }
  return counts;
}

/** Maps each record in; a page can carry one record twice, so records are grouped by key. */
function mapPage(mapping: SyncMapping, records: SystemRecord[], now: number): MappedPage {
  const byKey = new Map<string, Accepted>();
  const rejected: Problems = [];
  const partial: Problems = [];
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
      ...(mapping.landsOn?.origin ? { origin: mapping.landsOn.origin.ids(record) } : {}),
    });
  }
  return { accepted: [...byKey.values()], rejected, partial };
}

/** Quarantines a page's problems (or hands them to a replay), counting them for data quality. */
async function reportProblems(
  svc: SyncServices,
  scope: InboundScope,
  page: MappedPage,
  opts: { onProblems?: (problems: FieldProblem[]) => void },
  quality: QualityCounts | null,
): Promise<void> {
  const { rejected, partial } = page;
  if (quality) {
    countRejected(
      quality,
      rejected.map((r) => r.problems),
    );
    for (const p of partial) quality.invalidNormalized += p.problems.length;
  }
  const all = [...rejected, ...partial];
  if (opts.onProblems) return opts.onProblems(all.flatMap((r) => r.problems));
  const { sync } = scope;
  await svc.quarantine.add(
    all.map((r) => ({
      tenantId: sync.tenantId,
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

/** Looks the page's keys up in the link table and resolves its people, applying any merges. */
async function resolvePage(
  svc: SyncServices,
  scope: InboundScope,
  accepted: Accepted[],
  counts: PageCounts,
  quality: QualityCounts | null,
  origin: PageOrigin,
): Promise<PageContext> {
  const { sync, mapping } = scope;
  const tenantId = sync.tenantId;
  const linkKey = svc.hub.keys.links(tenantId, sync.connectionId, scope.stream);
  const linking = svc.hub.redis.hmget(linkKey, ...accepted.map((a) => a.key));
  const isCustomer = mapping.entity === 'customer';
  const contacts = accepted.map((a) => contactOf(a, isCustomer));
  // The link lookup and identity resolution go to Redis together.
  // New ids derive from the page's archive key: a replay of the page makes the same ones.
  const newCustomer = (i: number) =>
    derivedRecordId('customer', origin.seed, accepted[i]!.key, origin.at);
  const [linked, { people, merges }] = await Promise.all([
    linking,
    resolveCustomers(svc.hub.redis, svc.hub.keys, tenantId, contacts, newCustomer, origin.at),
  ]);
  await applyMerges(svc.records, tenantId, merges, sync.connectionId);
  if (quality) countMissing(quality, mapping.entity, contacts);
  const unmatched = unmatchableNotes(mapping.entity, contacts, people);
  if (unmatched) counts.notes = unmatched;
  // A record of a `landsOn` mapping without a record of its own moves an existing lead.
  const landed = mapping.landsOn
    ? await landingTargets(
        svc,
        { tenantId, connectionId: sync.connectionId, stream: scope.stream },
        mapping,
        accepted.map((a, i) =>
          linked[i]
            ? null
            : { key: a.key, at: a.at, origin: a.origin ?? [], customerId: people[i]?.customerId },
        ),
      )
    : accepted.map(() => null);
  // A record with a natural key is the one of that key whichever connection read it first.
  const natural = accepted.map((a) => {
    const key = naturalKeyOf(mapping.entity, a.flat);
    return key === null ? null : naturalRecordId(mapping.entity, key);
  });
  const ids = accepted.map(
    (a, i) =>
      linked[i] ??
      landed[i] ??
      natural[i] ??
      (isCustomer
        ? (people[i]?.customerId ?? newCustomer(i))
        : derivedRecordId(mapping.entity, origin.seed, a.key, origin.at)),
  );
  return { svc, scope, accepted, isCustomer, linked, people, landed, natural, ids, linkKey };
}

/**
 * Data quality's duplicates, judged on what the source had before this page (its links and
 * record sets are written in step 4), while the page merges.
 */
function pageDuplicates(ctx: PageContext): Promise<number> {
  const { svc, scope, people, linked, landed } = ctx;
  const { tenantId, connectionId } = scope.sync;
  return sameSourceDuplicates(svc.hub.redis, svc.hub.keys, tenantId, {
    entity: scope.mapping.entity,
    destinations: svc.hub.keys.destinations(tenantId, connectionId, scope.stream),
    news: people.map((p, i) => (linked[i] || landed[i] ? null : p)),
  });
}

/** Merges every accepted record (and its customer) with compare-and-set rounds. */
async function mergeAll(ctx: PageContext): Promise<Map<number, MergeResult>> {
  const { linked, landed, natural, people, isCustomer } = ctx;
  let pending = ctx.accepted.map((_, i) => i);
  const final = new Set<number>();
  const results = new Map<number, MergeResult>();
  // Ids this page just made (not linked, no natural key, and for customers not matched to a known
  // person) name records that cannot exist yet: the first round does not read them.
  const isNew = (i: number) =>
    !linked[i] && !landed[i] && !natural[i] && (!isCustomer || !people[i] || people[i]!.created);
  for (let round = 0; pending.length && round < MAX_CAS_ROUNDS; round++) {
    const toRead = round === 0 ? pending.filter((i) => !isNew(i)) : pending;
    const lost = await mergeRound(ctx, pending, toRead, (i, r) => {
      if (!final.has(i)) results.set(i, r);
    });
    const lostOwn = new Set(
      lost.filter((w) => w.record.entity === ctx.scope.mapping.entity).map((w) => w.idx),
    );
    for (const i of pending) if (!lostOwn.has(i)) final.add(i);
    pending = [...new Set(lost.map((w) => w.idx))];
  }
  if (pending.length)
    throw new Error(`${pending.length} records kept losing write races; the page will be retried`);
  return results;
}

type IndexedWrite = RecordWrite & { idx: number };

/** One compare-and-set round over `pending`; returns the writes that lost a race. */
async function mergeRound(
  ctx: PageContext,
  pending: number[],
  toRead: number[],
  onResult: (i: number, r: MergeResult) => void,
): Promise<IndexedWrite[]> {
  const { svc, scope, ids, people, isCustomer } = ctx;
  const { tenantId } = scope.sync;
  const entity = scope.mapping.entity;
  const custIds = isCustomer
    ? []
    : pending.map((i) => people[i]?.customerId).filter((x): x is string => !!x);
  const [read, custRecords] = await Promise.all([
    svc.records.getMany(
      tenantId,
      entity,
      toRead.map((i) => ids[i]!),
    ),
    svc.records.getMany(tenantId, 'customer', custIds),
  ]);
  const readByIdx = new Map(toRead.map((i, j) => [i, read[j]]));
  const custs = new Map(custRecords.map((c, j) => [custIds[j]!, c]));
  const writes: IndexedWrite[] = [];
  const customerWrites = new Map<string, IndexedWrite>();
  for (const i of pending) {
    const rec = readByIdx.get(i) ?? { id: ids[i]!, entity, v: 0, f: {}, m: {} };
    // A record landing on a lead of another customer leaves that customer's details alone.
    const strange = !!ctx.landed[i] && !!rec.customerId && rec.customerId !== people[i]?.customerId;
    const w = mergeRecord(ctx, i, rec, onResult);
    if (w) writes.push(w);
    if (!isCustomer && people[i] && !strange) mergeCustomer(ctx, i, custs, customerWrites);
  }
  return (await svc.records.writeMany(tenantId, [
    ...writes,
    ...customerWrites.values(),
  ])) as IndexedWrite[];
}

/** How a merge from accepted record `a` is owned. */
function sourceOf(scope: InboundScope, a: Accepted, owners = scope.mapping.owners) {
  return { connectorId: scope.connector.id, at: a.at, owners };
}

/** Merges accepted record `i` into its stored record; the write, when anything changed. */
function mergeRecord(
  ctx: PageContext,
  i: number,
  rec: StoredRecord,
  onResult: (i: number, r: MergeResult) => void,
): IndexedWrite | null {
  const { scope, accepted, people, isCustomer } = ctx;
  const a = accepted[i]!;
  const expected = rec.v;
  // A landing merges only the `landsOn` fields and keeps the lead on its customer.
  const landing = !!ctx.landed[i];
  const flat = landing ? landingPart(a.flat, scope.mapping.landsOn!.fields) : a.flat;
  const changed = mergeFields(rec, flat, sourceOf(scope, a));
  const person = landing ? null : people[i];
  if (person && setMatch(rec, person, !isCustomer) && !changed.length) changed.push('customerId');
  onResult(i, { created: expected === 0, changed: changed.length > 0, record: rec });
  if (!changed.length) return null;
  return { record: rec, expected, changed, sourceConnectionId: scope.sync.connectionId, idx: i };
}

/** Merges accepted record `i`'s contact fields into its customer (one write per customer). */
function mergeCustomer(
  ctx: PageContext,
  i: number,
  custs: Map<string, StoredRecord | null>,
  customerWrites: Map<string, IndexedWrite>,
): void {
  const { scope, accepted } = ctx;
  const a = accepted[i]!;
  const customerId = ctx.people[i]!.customerId;
  const cw = customerWrites.get(customerId);
  const cust = cw?.record ??
    custs.get(customerId) ?? { id: customerId, entity: 'customer', v: 0, f: {}, m: {} };
  const changed = mergeFields(
    cust,
    guardContact(cust, contactFlat(a.flat)),
    sourceOf(scope, a, customerOwners(scope.mapping)),
  );
  if (cw) cw.changed.push(...changed);
  else if (changed.length)
    customerWrites.set(customerId, {
      record: cust,
      expected: cust.v,
      changed,
      sourceConnectionId: scope.sync.connectionId,
      idx: i,
    });
}

/**
 * Links, and (whenever the mapping also writes out) the hash of what this system has now: its own
 * record mapped in and back out. Any outbound sync of this connection and stream (this two-way
 * sync, or a separate outbound one) then writes only where the canonical record differs from it,
 * so an incoming change is not echoed back, and a value that lost a conflict is corrected.
 */
async function linkPage(ctx: PageContext): Promise<void> {
  const { svc, scope, accepted, ids, linked, landed, people, linkKey, isCustomer } = ctx;
  const { sync, mapping } = scope;
  const tenantId = sync.tenantId;
  const writes = new HashBatch();
  const destKey = svc.hub.keys.destinations(tenantId, sync.connectionId, scope.stream);
  const landingsKey = svc.hub.keys.landings(tenantId, sync.connectionId, scope.stream);
  // The sink of the same name is what writes this system's copy (outbound hashes its sent form).
  const sink = scope.connector.sinks?.[scope.stream];
  accepted.forEach((a, i) => {
    const id = ids[i]!;
    // A landing is not this system's copy of the lead: no link, no write record.
    if (landed[i]) {
      writes.set(landingsKey, a.key, id);
      return;
    }
    if (!linked[i]) writes.set(linkKey, a.key, id);
    if (mapping.writesOut) {
      const out = mapOut(mapping, unflatten(a.flat));
      const hash =
        out.value && !out.fatal.length
          ? outHash(mapping, sentForm(sink, out.value), sync.connectionId, id)
          : null;
      // No version: what this system has may differ from the canonical record (a value of its
      // that lost a conflict), and only the hash tells whether it must be corrected.
      writes.set(destKey, id, encodeDestination({ hash, v: null, id: a.key }));
    } else if (!linked[i])
      writes.set(destKey, id, encodeDestination({ hash: null, v: null, id: a.key }));
  });
  const members = isCustomer
    ? []
    : memberships(
        mapping.entity,
        accepted,
        ids,
        people.map((p, i) => (landed[i] ? null : p)),
      );
  const [, stale] = await Promise.all([
    writes.flush(svc.hub.redis),
    addMembers(svc.hub.redis, svc.hub.keys, tenantId, members),
  ]);
  // A merge by a concurrent page after this page resolved: its records follow the survivor.
  await repointRecords(svc.records, tenantId, stale, sync.connectionId);
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
