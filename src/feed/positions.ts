import type { StoredRecord } from '../records/merge.ts';
import type { LogFilter } from '../records/change-log.ts';
import type { ChangeEntry, RecordStore } from '../records/record-store.ts';

/** The position of a reader that has read nothing yet (or was reset): it walks first. */
export const FROM_START = '0';
export const WALK_PREFIX = 'walk:';
/** Positions of the HSCAN walks of earlier versions: such a walk starts again. */
const OLD_SCAN_PREFIX = 'scan:';
/** The change-log position meaning "before every entry". */
export const LOG_START = '0-0';

/** Where in the log a walk position's walk began (`walk:<log id>:<last id>`). */
export function walkStart(position: string): string {
  return position.slice(WALK_PREFIX.length, position.indexOf(':', WALK_PREFIX.length));
}

/**
 * Raised when the change log was trimmed past a reader's position before the reader read it: the
 * changes in between are gone, so the reader cannot prove it saw everything. Its owner resets it
 * to FROM_START (walk every record again).
 */
export class PositionLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PositionLostError';
  }
}

/** What a reader gets after its position: records walked, or changes coalesced per record. */
export type FeedBatch =
  | {
      kind: 'walk';
      next: string;
      /** Every record id the walk passed (records deleted since included). */
      ids: string[];
      records: StoredRecord[];
    }
  | {
      kind: 'changes';
      next: string;
      /** Newest logged version per record id of the entity (0: a replay, look again). */
      newest: Map<string, number>;
    };

/** How a reader reads the records a batch names, when not whole (e.g. only the merged customers). */
export type ReadRecords = (ids: readonly string[]) => Promise<StoredRecord[]>;

/**
 * Of the entity's log entries, the only ones a reader follows: those with one of these flags set
 * (`LogFilter.flagged`); every entry when not given. The walk still reads every record.
 */
export type EntryFlags = readonly ('m' | 'b')[];

/**
 * The batch after `position` for a reader of `entity` (null: nothing new). Walk-then-follow:
 * from FROM_START a reader first walks the entity's records in id order (position
 * `walk:<log id>:<last id>`, a place in the data that survives a Redis restart), then follows the
 * change log from where it stood when the walk began; changes of one batch are coalesced to the
 * newest version per record. A log trimmed past the position throws PositionLostError. A walk
 * reads its records lean, or with `read` when given.
 */
export async function readAfter(
  records: RecordStore,
  tenantId: string,
  entity: string,
  position: string,
  count: number,
  read?: ReadRecords,
  flags?: EntryFlags,
): Promise<FeedBatch | null> {
  if (position === FROM_START || position.startsWith(OLD_SCAN_PREFIX)) {
    const logAt = (await records.lastChangeId(tenantId)) ?? LOG_START;
    return readAfter(records, tenantId, entity, `${WALK_PREFIX}${logAt}:`, count, read, flags);
  }
  if (position.startsWith(WALK_PREFIX)) {
    const colon = position.indexOf(':', WALK_PREFIX.length);
    const logAt = walkStart(position);
    const after = position.slice(colon + 1) || null;
    const walk = await records.walkIds(tenantId, entity, after, count);
    const found = read
      ? await read(walk.ids)
      : (await records.getMany(tenantId, entity, walk.ids, { lean: true })).filter(
          (r): r is StoredRecord => r !== null,
        );
    const next = walk.last === null ? logAt : `${WALK_PREFIX}${logAt}:${walk.last}`;
    return { kind: 'walk', next, ids: walk.ids, records: found };
  }
  const filter = flags ? { entities: [], flagged: { [entity]: flags } } : { entities: [entity] };
  const batch = await followLog(records, tenantId, position, count, filter);
  if (batch === null) return null;
  const newest = new Map<string, number>();
  for (const c of batch.changes) {
    const seen = newest.get(c.id);
    newest.set(c.id, seen === undefined ? c.v : seen === 0 || c.v === 0 ? 0 : Math.max(seen, c.v));
  }
  return { kind: 'changes', next: batch.next, newest };
}

/**
 * The changes logged after entry `position` (of every entity, or those `filter` wants), about
 * `count` of them, and the position after them (past the entries it passed over, so it may come
 * with no changes); null when the log has nothing after the position. A log trimmed past
 * the position throws PositionLostError.
 */
export async function followLog(
  records: RecordStore,
  tenantId: string,
  position: string,
  count: number,
  filter?: LogFilter,
): Promise<{ next: string; changes: ChangeEntry[] } | null> {
  const { changes, held, last } = await records.readChangesHeld(tenantId, position, count, filter);
  // The log is trimmed from its head, so if the entry at the position was still there when the
  // read was done (each XRANGE of it starts at the entry before, inclusive: `held`), nothing the
  // read needed had been trimmed; only when it was not is the log asked whether it was trimmed.
  if (!held && (await records.trimmedAfter(tenantId, position))) {
    throw new PositionLostError(
      `the change log was trimmed past this reader's position (${position}) before it read the changes there: ` +
        'it cannot prove it saw every change, so it walks every record again',
    );
  }
  if (last === null) return null;
  return { next: last, changes };
}
