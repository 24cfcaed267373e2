import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

import { expectRead, type CasItem } from './hash-cas.ts';
import { splitField } from './rollups.ts';
import { KEY, type StateKeys } from './state.ts';
import type { Model } from './types.ts';

/** Changes to the day hashes of one kind: rollup field → the new value given the stored one. */
export interface DayChanges {
  kind: Model | 'base';
  changes: ReadonlyMap<string, (stored: string | null) => string | null>;
}

/**
 * Compare-and-set items for changes to rollup fields kept in day hashes: reads the fields'
 * current values (one HMGET per date hash, all in one pipeline), computes each new value, and
 * names every date written in the generation's `days` index (what a recompute retires) with a
 * new version, in the same write: reports keep parsed days by that version (day-reader.ts).
 */
export async function dayItems(
  redis: Redis,
  keys: StateKeys,
  groups: readonly DayChanges[],
): Promise<CasItem[]> {
  const reads: { key: number; date: string; cells: string[]; next: DayUpdate[] }[] = [];
  for (const g of groups) {
    const byDate = new Map<string, { cells: string[]; next: DayUpdate[] }>();
    for (const [field, next] of g.changes) {
      const [date, cell] = splitField(field);
      let d = byDate.get(date);
      if (!d) byDate.set(date, (d = { cells: [], next: [] }));
      d.cells.push(cell);
      d.next.push(next);
    }
    for (const [date, d] of byDate) reads.push({ key: keys.day(g.kind, date), date, ...d });
  }
  if (reads.length === 0) return [];
  const p = redis.pipeline();
  for (const r of reads) p.hmget(keys.list[r.key]!, ...r.cells);
  const replies = (await p.exec()) ?? [];
  const items: CasItem[] = [];
  const dates = new Set<string>();
  reads.forEach((r, i) => {
    const [err, values] = replies[i] ?? [new Error('no reply')];
    if (err) throw err;
    r.cells.forEach((cell, j) => {
      const cur = (values as (string | null)[])[j] ?? null;
      const next = r.next[j]!(cur);
      if (cur === next) return;
      items.push({ key: r.key, field: cell, expect: expectRead(cur), write: next });
      dates.add(r.date);
    });
  });
  const version = randomUUID();
  for (const date of dates)
    items.push({ key: KEY.days, field: date, expect: { kind: 'any' }, write: version });
  return items;
}

type DayUpdate = (stored: string | null) => string | null;
