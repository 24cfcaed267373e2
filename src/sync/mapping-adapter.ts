import type { CompiledMapping, MappingResult } from '../mapping/compile.ts';
import type { SystemRecord } from '../sdk/connector.ts';
import type { FieldProblem } from './quarantine.ts';
import type { MappedRecord, SyncMapping } from './sync-mapping.ts';

const NONE: FieldProblem[] = [];
Object.freeze(NONE);

const problemsOf = (r: MappingResult, fatal: boolean): FieldProblem[] =>
  r.errors.filter((e) => e.fatal === fatal).map((e) => ({ field: e.field, reason: e.reason }));

/** Splits a mapping result into the value, the errors that stop it, and those that do not. */
function split<T>(r: MappingResult, value: T): MappedRecord<T> {
  // Most records map cleanly: they share one frozen empty list instead of two new ones each.
  if (r.errors.length === 0) return { value, fatal: NONE, warnings: NONE };
  return { value, fatal: r.quarantined ? problemsOf(r, true) : [], warnings: problemsOf(r, false) };
}

/** Whether an object has no own enumerable keys (without listing them). */
function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * Presents a compiled mapping to the sync engine: owner rules by field, change time for `latest`,
 * and `out` results with no fields (every `when` excluded them) as `null`, meaning "not for this system".
 */
export function toSyncMapping(name: string, m: CompiledMapping): SyncMapping {
  const owners = new Map(m.fields.map((f) => [f.name, f.owner]));
  return {
    name,
    hash: m.hash,
    connector: m.connector,
    stream: m.stream,
    entity: m.entity,
    owners,
    writesOut: m.fields.some((f) => f.direction !== 'in'),
    ...(m.landsOn ? { landsOn: m.landsOn } : {}),
    recordKey: (r) => m.recordKey(r),
    // A record that says when it changed; else when it was made (a Meta lead never changes, so a
    // redelivery must not count as newer than a CRM's later update).
    changedAt: (c) => timeOf(c.updatedAt) ?? timeOf(c.createdAt),
    in: (r) => {
      const res = m.in(r);
      return split(res, res.value);
    },
    out: (c) => {
      const res = m.out(c);
      const empty = res.errors.length === 0 && isEmpty(res.value);
      return split<SystemRecord | null>(res, empty ? null : res.value);
    },
  };
}

/** Milliseconds of a date-time string, or undefined when it is not one. */
function timeOf(v: unknown): number | undefined {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? undefined : t;
}
