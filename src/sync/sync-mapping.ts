import type { CompiledLanding } from '../mapping/compile.ts';
import type { SystemRecord } from '../sdk/connector.ts';
import type { FieldProblem } from './quarantine.ts';

/** What a mapping gives a sync when it maps a record. */
export interface MappedRecord<T> {
  value: T;
  /** Problems that stop the record: it goes to quarantine whole. */
  fatal: FieldProblem[];
  /** Problems with optional fields: the record goes on without them; the problems are quarantined. */
  warnings: FieldProblem[];
}

/**
 * Where a sync's mapping came from: the tenant's own (a version saved in Redis) or the file
 * shipped in the mappings folder. Run reports record it with the name and content hash.
 */
export type MappingOrigin = { source: 'tenant'; version: number } | { source: 'shipped' };

/** A compiled mapping as the sync engine uses it. */
export interface SyncMapping {
  /** Mapping name (file name without .yaml). */
  name: string;
  /** Content hash of the mapping; part of the written-hash, so a changed mapping rewrites. */
  hash: string;
  /** Tenant version or shipped file (absent on mappings built outside a mapping source). */
  origin?: MappingOrigin;
  connector: string;
  stream: string;
  entity: string;
  /** Owner rule per canonical field path. */
  owners: ReadonlyMap<string, string>;
  /** True when the mapping has fields that go out. */
  writesOut: boolean;
  /** Records that move an existing hub lead instead of being their own (see `src/sync/landing.ts`). */
  landsOn?: CompiledLanding;
  /** The system record's key (its id in that system). */
  recordKey(record: SystemRecord): string | undefined;
  /** The source's change time of a record (ms), for `latest` conflicts; undefined when unknown. */
  changedAt(canonical: Record<string, unknown>): number | undefined;
  in(record: SystemRecord): MappedRecord<Record<string, unknown>>;
  /** Maps a canonical record out; `null` value when its `when` conditions exclude it. */
  out(canonical: Record<string, unknown>): MappedRecord<SystemRecord | null>;
}

/** A mapping's failure as a record problem: a mapping that throws stops that record, not its page. */
function thrown<T>(err: unknown, value: T): MappedRecord<T> {
  const reason = `the mapping failed on this record: ${err instanceof Error ? err.message : String(err)}`;
  return { value, fatal: [{ field: '(record)', reason }], warnings: [] };
}

/** `mapping.in(record)`, with a throw turned into a fatal problem of the record. */
export function mapIn(
  mapping: SyncMapping,
  record: SystemRecord,
): MappedRecord<Record<string, unknown>> {
  try {
    return mapping.in(record);
  } catch (err) {
    return thrown(err, {});
  }
}

/** `mapping.out(canonical)`, with a throw turned into a fatal problem of the record. */
export function mapOut(
  mapping: SyncMapping,
  canonical: Record<string, unknown>,
): MappedRecord<SystemRecord | null> {
  try {
    return mapping.out(canonical);
  } catch (err) {
    return thrown(err, null);
  }
}
