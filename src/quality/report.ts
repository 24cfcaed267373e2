import type { Redis } from 'ioredis';

import { dateOfDay, dayNumber } from '../attribution/dates.ts';
import type { Connection } from '../store/connections.ts';
import type { Keys } from '../store/keys.ts';
import { COUNTERS, FIELD_SEP, REASON_PREFIX, type Counter } from './counters.ts';

/** Longest range one data-quality report reads (one hash per day). */
export const MAX_QUALITY_DAYS = 366;

/** The figures of one source connection over one import day, or summed over the range. */
export type QualityFigures = Record<Counter, number> & {
  /** Quarantined records by reason (`<field>: <reason>`), largest first. */
  quarantinedByReason: { reason: string; count: number }[];
};

/** One source connection: its import days (only days with records) and their totals. */
export interface SourceQuality {
  connectionId: string;
  /** Null when the connection was deleted since. */
  connectionName: string | null;
  connectorId: string | null;
  days: (QualityFigures & { date: string })[];
  totals: QualityFigures;
}

/** The data-quality report of CLOSED-LOOP.md over `[from, to]` (import days, tenant zone). */
export interface DataQualityReport {
  from: string;
  to: string;
  sources: SourceQuality[];
}

type Sums = Record<Counter, number> & { reasons: Map<string, number> };

const zero = (): Sums => ({
  ...(Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>),
  reasons: new Map(),
});

function add(into: Sums, name: string, n: number): void {
  if (name.startsWith(REASON_PREFIX)) {
    const r = name.slice(REASON_PREFIX.length);
    into.reasons.set(r, (into.reasons.get(r) ?? 0) + n);
  } else if ((COUNTERS as readonly string[]).includes(name)) into[name as Counter] += n;
}

function figures(s: Sums): QualityFigures {
  const { reasons, ...counts } = s;
  return {
    ...counts,
    quarantinedByReason: [...reasons]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)),
  };
}

/**
 * Reads the data-quality counters that ingestion keeps per tenant import day and source
 * connection (src/quality/counters.ts): one HGETALL per day of the range, sent together.
 */
export class DataQualityReader {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** The report; `connections` names the sources (a deleted one keeps its id only). */
  async report(
    tenantId: string,
    q: { from: string; to: string },
    connections: readonly Pick<Connection, 'id' | 'name' | 'connectorId'>[],
  ): Promise<DataQualityReport> {
    const first = dayNumber(q.from);
    const days = dayNumber(q.to) - first + 1;
    const pipe = this.redis.pipeline();
    for (let d = 0; d < days; d++) pipe.hgetall(this.k.quality(tenantId, dateOfDay(first + d)));
    const hashes = days > 0 ? ((await pipe.exec()) ?? []) : [];
    const bySource = new Map<string, { days: Map<string, Sums>; totals: Sums }>();
    hashes.forEach(([, h], d) => {
      const date = dateOfDay(first + d);
      for (const [field, value] of Object.entries((h ?? {}) as Record<string, string>)) {
        const sep = field.indexOf(FIELD_SEP);
        const [conn, name] = [field.slice(0, sep), field.slice(sep + 1)];
        const src =
          bySource.get(conn) ?? bySource.set(conn, { days: new Map(), totals: zero() }).get(conn)!;
        const day = src.days.get(date) ?? src.days.set(date, zero()).get(date)!;
        add(day, name, Number(value));
        add(src.totals, name, Number(value));
      }
    });
    const named = new Map(connections.map((c) => [c.id, c]));
    const sources = [...bySource].map(([id, s]): SourceQuality => ({
      connectionId: id,
      connectionName: named.get(id)?.name ?? null,
      connectorId: named.get(id)?.connectorId ?? null,
      days: [...s.days].map(([date, sums]) => ({ date, ...figures(sums) })),
      totals: figures(s.totals),
    }));
    sources.sort((a, b) =>
      (a.connectionName ?? a.connectionId).localeCompare(b.connectionName ?? b.connectionId),
    );
    return { from: q.from, to: q.to, sources };
  }
}
