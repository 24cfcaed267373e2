import type { Redis } from 'ioredis';

import type { ChangeEntry } from './record-store.ts';

/** Most change log entries one XRANGE asks for. */
const MAX_ENTRIES_PER_READ = 64;

/** Changes read after a position, and whether the position's entry was still in the log. */
export interface ChangesRead {
  changes: ChangeEntry[];
  /**
   * True when every XRANGE found the entry it started from (each starts at the last entry read,
   * inclusive): the log is trimmed from its head, so nothing the read needed had been trimmed.
   * False for `'0'` and for a position whose entry is gone (then ask `trimmedAfter`).
   */
  held: boolean;
}

/** The changes of one log entry (`r` holds `<id>\t<version>` lines). */
function entryChanges(streamId: string, kv: string[], out: ChangeEntry[]): void {
  const f: Record<string, string> = {};
  for (let i = 0; i < kv.length; i += 2) f[kv[i]!] = kv[i + 1]!;
  const entity = f.e ?? '';
  const sourceConnectionId = f.s ?? '';
  for (const line of (f.r ?? '').split('\n')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    out.push({
      streamId,
      entity,
      id: line.slice(0, tab),
      v: Number(line.slice(tab + 1)),
      sourceConnectionId,
    });
  }
}

/**
 * Reads the changes logged after entry `afterId` ('0' = from the start) in the stream at `key`:
 * whole entries, until at least `count` changes are collected (the last entry may take it past
 * `count`) or the log ends. Each XRANGE asks for about as many entries as the changes still
 * wanted need at the rows per entry seen so far (an entry is a batch: one webhook record or a
 * page of hundreds), so a reader of 500 changes does not fetch 16 page-sized entries to use one.
 */
export async function readChangeLog(
  redis: Redis,
  key: string,
  afterId: string,
  count: number,
): Promise<ChangesRead> {
  const out: ChangeEntry[] = [];
  let from = afterId === '0' ? null : afterId;
  let held = from !== null;
  let entries = 0;
  for (;;) {
    // The first read takes one entry, to learn how many changes an entry of this log holds.
    const want = entries
      ? Math.ceil(Math.max(1, count - out.length) / Math.max(1, out.length / entries))
      : 1;
    const ask = Math.min(MAX_ENTRIES_PER_READ, want) + (from === null ? 0 : 1);
    const rows = await redis.xrange(key, from ?? '-', '+', 'COUNT', ask);
    let start = 0;
    if (from !== null) {
      if (rows[0]?.[0] === from) start = 1;
      else held = false;
    }
    for (let i = start; i < rows.length; i++) {
      entryChanges(rows[i]![0], rows[i]![1], out);
      entries++;
      if (out.length >= count) return { changes: out, held };
    }
    if (rows.length < ask || rows.length === start) return { changes: out, held };
    from = rows[rows.length - 1]![0];
  }
}
