import type { CompiledMapping, MappingResult } from '../mapping/compile.ts';
import type { SystemRecord } from '../sdk/connector.ts';
import type { FieldProblem } from './quarantine.ts';
import type { MappedRecord, SyncMapping } from './sync-mapping.ts';

const problemsOf = (r: MappingResult, fatal: boolean): FieldProblem[] =>
  r.errors.filter((e) => e.fatal === fatal).map((e) => ({ field: e.field, reason: e.reason }));

/** Splits a mapping result into the value, the errors that stop it, and those that do not. */
function split<T>(r: MappingResult, value: T): MappedRecord<T> {
  return { value, fatal: r.quarantined ? problemsOf(r, true) : [], warnings: problemsOf(r, false) };
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
    recordKey: (r) => m.recordKey(r),
    // A record that says when it changed; else when it was made (a Meta lead never changes, so a
    // redelivery must not count as newer than a CRM's later update).
    changedAt: (c) => {
      for (const v of [c.updatedAt, c.createdAt]) {
        const t = typeof v === 'string' ? Date.parse(v) : NaN;
        if (!Number.isNaN(t)) return t;
      }
      return undefined;
    },
    in: (r) => {
      const res = m.in(r);
      return split(res, res.value);
    },
    out: (c) => {
      const res = m.out(c);
      const empty = Object.keys(res.value).length === 0 && res.errors.length === 0;
      return split<SystemRecord | null>(res, empty ? null : res.value);
    },
  };
}
