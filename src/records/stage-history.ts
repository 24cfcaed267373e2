import { sameValue, type FlatFields } from './flat.ts';
import type { MergeSource, StoredRecord } from './merge.ts';

/** The lead field holding its stage history (`{ stage, at }[]`, ordered by `at`). */
export const STAGE_HISTORY = 'stageHistory';

/** One entry of a stage history as stored. */
export interface StageEntry {
  stage: string;
  /** ISO 8601 date-time, as the CRM reported it. */
  at: string;
}

const isEntry = (v: unknown): v is StageEntry =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as StageEntry).stage === 'string' &&
  typeof (v as StageEntry).at === 'string' &&
  !Number.isNaN(Date.parse((v as StageEntry).at));

/**
 * What one incoming lead reports about its stages: the entries of an incoming `stageHistory` (a
 * CRM that exports its own history), and its current `stage` at `stageChangedAt`, else at the
 * source's change time (when the CRM says the record changed).
 */
function reported(incoming: FlatFields, sourceAt: number): StageEntry[] {
  const out: StageEntry[] = [];
  const given = incoming[STAGE_HISTORY];
  if (Array.isArray(given)) for (const e of given) if (isEntry(e)) out.push(e);
  const stage = incoming.stage;
  if (typeof stage === 'string' && stage) {
    const changedAt = incoming.stageChangedAt;
    const at =
      typeof changedAt === 'string' && !Number.isNaN(Date.parse(changedAt))
        ? changedAt
        : new Date(sourceAt).toISOString();
    out.push({ stage, at });
  }
  return out;
}

/**
 * A stage history in its one normal form: ordered by time (a stable sort, so entries of the same
 * instant keep the order they were reported in), and a stage reported again while the lead was
 * already in it collapsed into its first report (a re-read of the same stage is not a change).
 * The same reports in any order give the same history.
 */
export function normalizeStageHistory(entries: readonly StageEntry[]): StageEntry[] {
  const sorted = entries
    .map((e, i) => ({ e, ms: Date.parse(e.at), i }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i);
  const out: StageEntry[] = [];
  for (const { e } of sorted) {
    const last = out[out.length - 1];
    if (last && last.stage === e.stage) continue;
    out.push({ stage: e.stage, at: e.at });
  }
  return out;
}

/**
 * Keeps a lead's stage history in the record merge: every stage the CRM reports joins the
 * history, whether or not the `stage` field itself wins the merge (an older report arriving late
 * still tells when the lead entered that stage). Returns true when the history changed.
 */
export function mergeStageHistory(
  record: StoredRecord,
  incoming: FlatFields,
  source: MergeSource,
): boolean {
  const news = reported(incoming, source.at);
  if (news.length === 0) return false;
  const current = record.f[STAGE_HISTORY];
  const have = Array.isArray(current) ? current.filter(isEntry) : [];
  const merged = normalizeStageHistory([...have, ...news]);
  if (sameValue(current, merged)) return false;
  record.f[STAGE_HISTORY] = merged;
  record.m[STAGE_HISTORY] = { src: source.connectorId, at: source.at };
  return true;
}
