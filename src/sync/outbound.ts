import type { SinkDef, SinkItem, SinkResult, SystemRecord } from '../sdk/connector.ts';
import { unflatten } from '../records/flat.ts';
import type { StoredRecord } from '../records/merge.ts';
import { HashBatch } from '../records/hash-batch.ts';
import { poisonPreview } from '../records/poison.ts';
import type { ConnectionRuntime } from './connection-runtime.ts';
import { decodeDestination, encodeDestination, type Destination } from './destinations.ts';
import { outHash, sentForm, writeKey } from './out-hash.ts';
import { markCreates, type PendingCreates, type PendingKey } from './pending-creates.ts';
import type { FieldProblem, QuarantineEntry } from './quarantine.ts';
import type { SyncServices } from './services.ts';
import { REQUIRED_MISSING } from '../mapping/compile.ts';
import { mapOut, type SyncMapping } from './sync-mapping.ts';
import { readAfter } from '../feed/positions.ts';
import { REFUSED_BATCHES, SPLIT_REQUESTS, writeSplitting } from './sink-write.ts';
import { addNotes, SKIPPED, withSinkNotes } from './run-notes.ts';
import { zeroCounts, type PageCounts, type Sync } from './types.ts';

/** Change log entries read per step. */
export const CHANGES_PER_STEP = 2_000;
/** Attempts for items a sink reports as retryable before they become dead letters. */
const ITEM_ATTEMPTS = 4;
/**
 * Entities whose records a destination gets once: once delivered, a record is never sent to it
 * again, also not by a backfill or after the record changed, unless a forced resend is asked for
 * (CLOSED-LOOP.md "Outcomes sent back": a conversion is reported once).
 */
export const DELIVERED_ONCE: ReadonlySet<string> = new Set(['conversion']);
/** Run note counting records of a delivered-once entity left out because they were delivered. */
export const DELIVERED_BEFORE = `${SKIPPED}.deliveredBefore`;
/**
 * Run note counting creates sent again under the key of an attempt cut off before its answer was
 * recorded (a crash), for a record that changed since: each was followed by an update.
 */
export const REPLAYED_CREATES = 'replayedCreates';

/** Where an outbound step writes. */
export interface OutboundScope {
  sync: Sync;
  mapping: SyncMapping;
  sinkName: string;
  sink: SinkDef<unknown, unknown>;
  rt: ConnectionRuntime;
  /** Send every record read again, whatever the destination already has (`--force-resend`). */
  forceResend?: boolean;
  /** Creates an earlier run sent without recording their answers (`openPendingCreates`). */
  pending?: PendingCreates;
}

interface Prepared {
  item: SinkItem;
  hash: string;
  /** Canonical version mapped. */
  v: number;
  /**
   * A create sent under the pending key of an earlier attempt (`item.idempotencyKey`): this
   * version's own key, for the update that follows (the answer may be that attempt's replay).
   */
  ownKey?: string;
  /** A create's key as `markCreates` records it (the version and mapping it names, if known). */
  made?: PendingKey;
}

/** One step of an outbound run, read and mapped but not yet written. */
export interface PreparedStep {
  /** The cursor after this step; null when there was nothing to read. */
  cursor: string | null;
  /** Canonical ids the step covers. */
  ids: ReadonlySet<string>;
  /** Records skipped and problems found while mapping. */
  counts: PageCounts;
  prepared: Prepared[];
  problems: { id: string; record: SystemRecord; problems: FieldProblem[] }[];
}

/**
 * Prepares the next step after `cursor` (reads and maps only; nothing is written until
 * `writeStep`, so a step can be prepared while the one before it is written). The sync is one
 * reader of the change feed (`readAfter`): a new or backfilled sync walks every record of its
 * entity, then follows the log; a log trimmed past its position throws PositionLostError.
 */
export async function prepareStep(
  svc: SyncServices,
  scope: OutboundScope,
  cursor: string,
): Promise<PreparedStep> {
  const { sync, mapping } = scope;
  const tenantId = sync.tenantId;
  const batch = await readAfter(svc.records, tenantId, mapping.entity, cursor, CHANGES_PER_STEP);
  if (batch === null) {
    return { cursor: null, ids: new Set(), counts: zeroCounts(), prepared: [], problems: [] };
  }
  if (batch.kind === 'walk') {
    const known = await readDestinations(
      svc,
      scope,
      batch.records.map((r) => r.id),
    );
    return prepareRecords(scope, batch.next, batch.records, known);
  }
  const { newest, next: after } = batch;
  const ids = [...newest.keys()];
  const known = await readDestinations(svc, scope, ids);
  // Records the destination already got at the logged version or later (a change seen twice, as
  // after a walk or a crash) are not read again; nor, for a delivered-once entity, any it got.
  const once = DELIVERED_ONCE.has(mapping.entity) && !scope.forceResend;
  const toRead: string[] = [];
  let deliveredBefore = 0;
  for (const [id, v] of newest) {
    const sent = known.get(id)?.v;
    if (once && sent != null) deliveredBefore++;
    else if (scope.forceResend || v === 0 || sent == null || sent < v) toRead.push(id);
  }
  const records = await svc.records.getMany(tenantId, mapping.entity, toRead, { lean: true });
  const step = prepareRecords(scope, after, records, known);
  step.counts.skipped += ids.length - toRead.length;
  if (deliveredBefore)
    addNotes((step.counts.notes ??= {}), { [DELIVERED_BEFORE]: deliveredBefore });
  return step;
}

/** What the destination has of these records. */
async function readDestinations(
  svc: SyncServices,
  scope: OutboundScope,
  ids: string[],
): Promise<Map<string, Destination>> {
  const { sync } = scope;
  if (ids.length === 0) return new Map();
  const stored = await svc.hub.redis.hmget(
    svc.hub.keys.destinations(sync.tenantId, sync.connectionId, scope.sinkName),
    ...ids,
  );
  return new Map(ids.map((id, i) => [id, decodeDestination(stored[i])]));
}

/**
 * Maps these records out (null: deleted since logged), leaving out what the destination already
 * has (same hash); `cursor` is where the step leaves the sync.
 */
function prepareRecords(
  scope: OutboundScope,
  cursor: string,
  records: (StoredRecord | null)[],
  known: ReadonlyMap<string, Destination>,
): PreparedStep {
  const { sync, mapping } = scope;
  const counts: PageCounts = zeroCounts();
  const once = DELIVERED_ONCE.has(mapping.entity) && !scope.forceResend;
  const ids = new Set<string>();
  const prepared: Prepared[] = [];
  const problems: PreparedStep['problems'] = [];
  for (const rec of records) {
    if (!rec) continue;
    ids.add(rec.id);
    const dest = known.get(rec.id);
    if (once && dest?.v != null) {
      counts.skipped++; // delivered once already (a backfill walks it again: it is not resent)
      addNotes((counts.notes ??= {}), { [DELIVERED_BEFORE]: 1 });
      continue;
    }
    const canonical: SystemRecord = unflatten(rec.f);
    canonical.id = rec.id;
    if (rec.customerId) canonical.customerId = rec.customerId;
    const out = mapOut(mapping, canonical);
    if (unaddressable(scope.sink, out.fatal, counts)) continue;
    if (out.fatal.length) {
      problems.push({ id: rec.id, record: canonical, problems: out.fatal });
      counts.quarantined++;
      continue;
    }
    if (!out.value) {
      counts.skipped++; // excluded by the mapping's `when`
      continue;
    }
    // Optional fields that could not be mapped: the record goes without them, the problem is kept.
    if (out.warnings.length)
      problems.push({ id: rec.id, record: canonical, problems: out.warnings });
    const hash = hashOrNull(mapping, sentForm(scope.sink, out.value), sync.connectionId, rec.id);
    if (hash === null) {
      // A record stored before the inbound limits (src/records/poison.ts) may be too deep to write.
      const reason = 'the mapped record cannot be written as JSON';
      const problem = { field: '(record)', reason };
      problems.push({ id: rec.id, record: poisonPreview(canonical, reason), problems: [problem] });
      counts.quarantined++;
      continue;
    }
    if (dest?.hash === hash && !scope.forceResend) {
      counts.skipped++; // the destination already has exactly this
      continue;
    }
    const key = writeKey(mapping, sync.connectionId, scope.sinkName, rec.id, rec.v);
    // A create keeps the key it was first sent with until its answer is recorded.
    const made = dest?.id
      ? undefined
      : (scope.pending?.keys.get(rec.id) ?? { key, v: rec.v, m: mapping.hash });
    const sent = made?.key ?? key;
    const p: Prepared = {
      hash,
      v: rec.v,
      item: {
        canonicalId: rec.id,
        destinationId: dest?.id ?? null,
        idempotencyKey: sent,
        record: out.value,
      },
    };
    if (sent !== key) p.ownKey = key;
    if (made) p.made = made;
    prepared.push(p);
  }
  return { cursor, ids, counts, prepared, problems };
}

/**
 * True, counting it skipped under the sink's note, when a record's only fatal problem is that it
 * lacks the field the sink addresses records by (`SinkDef.addressedBy`).
 */
function unaddressable(
  sink: SinkDef<unknown, unknown>,
  fatal: readonly FieldProblem[],
  counts: PageCounts,
): boolean {
  const by = sink.addressedBy;
  if (!by || fatal.length === 0) return false;
  if (!fatal.every((p) => p.field === by.field && p.reason === REQUIRED_MISSING)) return false;
  counts.skipped++;
  addNotes((counts.notes ??= {}), { [`${SKIPPED}.${by.skipped}`]: 1 });
  return true;
}

/** The out-hash of a mapped record, or null when it cannot be written as JSON (too deep). */
function hashOrNull(...args: Parameters<typeof outHash>): string | null {
  try {
    return outHash(...args);
  } catch {
    return null;
  }
}

/**
 * Writes a prepared step: quarantines what could not be mapped, then writes the records in
 * batches, up to the connector's concurrency at once, recording links and hashes. Returns the
 * step's counts, with `skipped.<reason>` notes for records the sink left out by design; the
 * caller moves the cursor only after this returns.
 */
export async function writeStep(
  svc: SyncServices,
  scope: OutboundScope,
  step: PreparedStep,
): Promise<PageCounts> {
  const counts: PageCounts = { ...step.counts };
  await quarantineOut(svc, scope, step.problems);
  const size = scope.sink.batchSize ?? scope.rt.limits.batchSize;
  const batches: Prepared[][] = [];
  for (let i = 0; i < step.prepared.length; i += size)
    batches.push(step.prepared.slice(i, i + size));
  const lanes = Math.max(1, Math.min(scope.rt.limits.concurrency ?? 1, batches.length));
  let failed = false; // after one lane fails, the others take no new batch
  // Every lane is waited for, also after one failed: a batch still being written must not record
  // its links and hashes after the run ended (and its lock was released to the next run).
  const settled = await Promise.allSettled(
    Array.from({ length: lanes }, async () => {
      for (let b = batches.shift(); b && !failed; b = batches.shift()) {
        const outcome = await writeBatch(svc, scope, b).catch((err: unknown) => {
          failed = true;
          throw err;
        });
        addOutcome(counts, outcome);
      }
    }),
  );
  for (const lane of settled) if (lane.status === 'rejected') throw lane.reason;
  return counts;
}

/** Where a sink's write records live: destination entries, links back, unanswered creates. */
interface EntryKeys {
  dest: string;
  link: string;
  pending: string;
}

/** What a batch's answers came to, over its attempts. */
interface BatchOutcome {
  written: number;
  skipped: number;
  notes?: Record<string, number>;
  rejected: Rejected[];
  /** Updates owed after creates answered for an earlier attempt's key. */
  followUps: Prepared[];
}

/**
 * Writes one batch, retrying items the sink says are retryable; records links and hashes of
 * successes. The keys of its creates are recorded before it is sent (`markCreates`) and dropped
 * in the MULTI that records the last answers: a create cut off by a crash goes again under its key.
 */
async function writeBatch(
  svc: SyncServices,
  scope: OutboundScope,
  batch: Prepared[],
): Promise<BatchCounts> {
  const { sync } = scope;
  const { redis, keys: k } = svc.hub;
  const at: EntryKeys = {
    dest: k.destinations(sync.tenantId, sync.connectionId, scope.sinkName),
    link: k.links(sync.tenantId, sync.connectionId, scope.sinkName),
    pending: k.pendingCreates(sync.tenantId, sync.connectionId, scope.sinkName),
  };
  const creates = batch.flatMap(({ item, made }): [string, PendingKey][] =>
    item.destinationId === null
      ? [[item.canonicalId, made ?? { key: item.idempotencyKey, v: null, m: null }]]
      : [],
  );
  const marked = creates.length
    ? await markCreates(redis, at.pending, sync.id, scope.mapping.hash, creates)
    : null;
  const o: BatchOutcome = { written: 0, skipped: 0, rejected: [], followUps: [] };
  let todo = batch;
  let extraRequests = 0;
  let refusedBatches = 0;
  for (let attempt = 0; todo.length && attempt < ITEM_ATTEMPTS; attempt++) {
    const call = await writeSplitting(
      scope.rt,
      scope.sinkName,
      scope.sink,
      todo.map((p) => p.item),
    );
    const results: SinkResult[] = call.results;
    extraRequests += call.requests - 1;
    if (call.requests > 1) refusedBatches++;
    const writes = new HashBatch();
    const again: Prepared[] = [];
    results.forEach((r, j) => {
      const item = todo[j]!;
      if (r.ok) settleWritten(scope, at, writes, o, item, r);
      else if (r.retryable && attempt + 1 < ITEM_ATTEMPTS && !call.exhausted.has(j))
        again.push(item);
      else {
        // Refused: nothing was created. Still retryable: the vendor may have applied the key.
        if (!r.retryable) scope.pending?.keys.delete(item.item.canonicalId);
        o.rejected.push({ p: item, reason: r.reason, field: r.field, retryable: r.retryable });
      }
    });
    if (again.length === 0 && marked !== null)
      await writes.addTo(redis.multi()).hdel(at.pending, marked).exec();
    else await writes.flush(redis);
    todo = again;
  }
  const { quarantined, failed } = await setAside(svc, scope, o.rejected);
  if (refusedBatches)
    addNotes((o.notes ??= {}), {
      [REFUSED_BATCHES]: refusedBatches,
      [SPLIT_REQUESTS]: extraRequests,
    });
  const outcome: BatchCounts = { written: o.written, failed, quarantined, skipped: o.skipped };
  if (o.notes) outcome.notes = o.notes;
  if (o.followUps.length === 0) return outcome;
  addNotes((outcome.notes ??= {}), { [REPLAYED_CREATES]: o.followUps.length });
  return addOutcome(outcome, await writeBatch(svc, scope, o.followUps));
}

/** Records a success: the destination entry (hash, version, id) and a new link back. */
function settleWritten(
  scope: OutboundScope,
  at: EntryKeys,
  writes: HashBatch,
  o: BatchOutcome,
  p: Prepared,
  r: Extract<SinkResult, { ok: true }>,
) {
  o.notes = withSinkNotes(o.notes, r);
  const { canonicalId, destinationId } = p.item;
  if (destinationId === null) scope.pending?.keys.delete(canonicalId); // answered now
  if (r.skipped) {
    // Left out by design (no delivery recorded: a later change of the record tries again).
    o.skipped++;
    return;
  }
  const id = r.destinationId ?? destinationId;
  // The link back is written once, when the destination names a record it did not before.
  if (r.destinationId && r.destinationId !== destinationId)
    writes.set(at.link, r.destinationId, canonicalId);
  const once = DELIVERED_ONCE.has(scope.mapping.entity) && !scope.forceResend;
  if (p.ownKey && id && !once) {
    // Sent under an earlier attempt's key: the answer may be that attempt's, its content older
    // than this. The link is saved, not the content: this version follows as an update.
    writes.set(at.dest, canonicalId, encodeDestination({ hash: null, v: null, id }));
    o.followUps.push({
      hash: p.hash,
      v: p.v,
      item: { ...p.item, destinationId: id, idempotencyKey: p.ownKey },
    });
    return;
  }
  o.written++;
  writes.set(at.dest, canonicalId, encodeDestination({ hash: p.hash, v: p.v, id }));
}

/** What a batch did to its records. */
type BatchCounts = Pick<PageCounts, 'written' | 'failed' | 'quarantined' | 'skipped' | 'notes'>;

/** Adds a batch's counts to `a`. */
function addOutcome<T extends BatchCounts>(a: T, b: BatchCounts): T {
  a.written += b.written;
  a.failed += b.failed;
  a.quarantined += b.quarantined;
  a.skipped += b.skipped;
  if (b.notes) addNotes((a.notes ??= {}), b.notes);
  return a;
}

/** An item the sink refused for good, or that stayed retryable past every attempt. */
interface Rejected {
  p: Prepared;
  reason: string;
  field?: string;
  retryable: boolean;
}

/**
 * Sets refused items aside with the sink's reason: refused ones in quarantine, ones still
 * retryable after every attempt as dead letters. Returns how many went to each.
 */
async function setAside(svc: SyncServices, scope: OutboundScope, rejected: Rejected[]) {
  const { sync } = scope;
  const entries = (retryable: boolean): Omit<QuarantineEntry, 'id' | 'at' | 'replays'>[] =>
    rejected
      .filter((r) => r.retryable === retryable)
      .map((r) => ({
        tenantId: sync.tenantId,
        syncId: sync.id,
        connectionId: sync.connectionId,
        direction: 'out',
        stream: scope.sinkName,
        externalKey: r.p.item.canonicalId,
        record: r.p.item.record,
        problems: [{ field: r.field ?? '(record)', reason: r.reason }],
      }));
  const quarantined = (await svc.quarantine.add(entries(false))).length;
  const failed = (await svc.deadLetters.add(entries(true))).length;
  return { quarantined, failed };
}

/** Quarantines records that could not be mapped out. */
async function quarantineOut(
  svc: SyncServices,
  scope: OutboundScope,
  problems: { id: string; record: SystemRecord; problems: FieldProblem[] }[],
) {
  await svc.quarantine.add(
    problems.map((p) => ({
      tenantId: scope.sync.tenantId,
      syncId: scope.sync.id,
      connectionId: scope.sync.connectionId,
      direction: 'out' as const,
      stream: scope.sinkName,
      externalKey: p.id,
      record: p.record,
      problems: p.problems,
    })),
  );
}

export type { SyncMapping };
export { PositionLostError } from '../feed/positions.ts';
