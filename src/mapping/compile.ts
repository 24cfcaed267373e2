import { createHash } from 'node:crypto';

import type { EntityName } from '../canonical/index.ts';
import type { FieldError } from './errors.ts';
import { formatDocPath } from './errors.ts';
import type { Leg } from './plan-field.ts';
import { planMapping } from './plan.ts';
import type { MappingSpec } from './schema.ts';
import { Invalid } from './transforms/types.ts';

type Rec = Record<string, unknown>;

/** A validated mapping document, with where it came from. */
export type MappingDoc = MappingSpec & {
  /** File it was loaded from. */
  readonly file?: string;
  /** SHA-256 of the file text: the cache key of its compiled form. */
  readonly hash?: string;
};

/** What mapping one record gives: the mapped record and every field that failed. */
export interface MappingResult {
  value: Rec;
  errors: FieldError[];
  /** True when a required field is missing or invalid: hold the record back (quarantine). */
  quarantined: boolean;
}

/** A field as the sync engine sees it. */
export interface CompiledField {
  name: string;
  direction: 'in' | 'out' | 'both';
  /** Who wins a conflict: a connector id, `hub` or `latest`. */
  owner: string;
  required: boolean;
}

/** A mapping compiled into plain functions; nothing here re-reads YAML or re-parses a path. */
export interface CompiledMapping {
  /** `connector.stream`, e.g. `meta.leads`. */
  id: string;
  hash: string;
  connector: string;
  stream: string;
  entity: EntityName;
  fields: readonly CompiledField[];
  /** The system record's key for the link table (several key paths are joined by `:`). */
  recordKey(systemRecord: unknown): string | undefined;
  /** A record that moves an existing hub lead (`landsOn` of the file); absent for other mappings. */
  landsOn?: CompiledLanding;
  /** System record → canonical partial record. */
  in(systemRecord: unknown): MappingResult;
  /** Canonical record → system record. */
  out(canonicalRecord: unknown): MappingResult;
}

/** `landsOn` compiled: the fields a record carries onto a lead, and its origin records. */
export interface CompiledLanding {
  fields: ReadonlySet<string>;
  origin?: {
    sink: string;
    /** Ids of the system's records named by `origin.ids` (strings; a list or one value). */
    ids(systemRecord: unknown): string[];
  };
}

/** Thrown by `compileMapping` for a document that does not validate (load files to get positions). */
export class MappingCompileError extends Error {
  constructor(readonly problems: { path: string; message: string }[]) {
    super(
      `mapping does not validate:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    );
    this.name = 'MappingCompileError';
  }
}

/** The reason of a required field the record does not have. */
export const REQUIRED_MISSING = 'required field is missing';

interface Runner {
  names: string[];
  legs: Leg[];
  when: (((s: unknown, c: unknown) => boolean) | undefined)[];
  required: boolean[];
}

// The per-record loop. No closures are created per record (tsx wraps each in a naming helper).
function run(r: Runner, input: unknown, inbound: boolean): MappingResult {
  const out: Rec = {};
  const result: MappingResult = { value: out, errors: [], quarantined: false };
  for (let i = 0; i < r.legs.length; i++) {
    const when = r.when[i];
    if (when && !(inbound ? when(input, out) : when(out, input))) continue;
    const leg = r.legs[i]!;
    const raw = leg.read(input);
    const v = leg.convert(raw);
    if (v === undefined) {
      if (r.required[i]) fail(result, r, i, REQUIRED_MISSING, undefined);
    } else if (v instanceof Invalid) fail(result, r, i, v.reason, raw);
    else {
      const bad = leg.check === undefined ? undefined : leg.check(v);
      if (bad === undefined) leg.write(out, v);
      else fail(result, r, i, bad, raw);
    }
  }
  return result;
}

function fail(result: MappingResult, r: Runner, i: number, reason: string, value: unknown): void {
  const e: FieldError = { field: r.names[i]!, reason, fatal: r.required[i]! };
  if (value !== undefined) e.value = value;
  result.errors.push(e);
  if (e.fatal) result.quarantined = true;
}

const cache = new Map<string, CompiledMapping>();
/**
 * Compiled mappings kept: tenants save versions of their own while a worker runs for weeks, so
 * the least recently used ones go (compiling again costs milliseconds).
 */
const CACHE_MAX = 500;

/** Every non-empty id among what `read` gives (one value or a list, nested lists flattened). */
function idsOf(read: (r: unknown) => unknown, r: unknown): string[] {
  const v = read(r);
  const all = (Array.isArray(v) ? v.flat(2) : [v]) as unknown[];
  return all.flatMap((x) =>
    (typeof x === 'string' && x) || typeof x === 'number' ? [String(x)] : [],
  );
}

function compileLanding(
  spec: NonNullable<MappingSpec['landsOn']>,
  originIds: ((r: unknown) => unknown) | undefined,
): CompiledLanding {
  const fields = new Set(spec.fields);
  if (!spec.origin || !originIds) return { fields };
  return { fields, origin: { sink: spec.origin.sink, ids: (r) => idsOf(originIds, r) } };
}

/** Content hash of a document (its file text when loaded from a file). */
export const hashOf = (doc: MappingDoc): string =>
  doc.hash ?? createHash('sha256').update(JSON.stringify(doc)).digest('hex');

/**
 * Compiles a mapping once into plain functions, cached by content hash: compiling the same
 * document again returns the same object.
 * @throws MappingCompileError when the document does not validate.
 */
export function compileMapping(doc: MappingDoc): CompiledMapping {
  const hash = hashOf(doc);
  const hit = cache.get(hash);
  if (hit) {
    cache.delete(hash);
    cache.set(hash, hit); // most recently used last
    return hit;
  }
  const plan = planMapping(doc);
  if (plan.problems.length > 0) {
    throw new MappingCompileError(
      plan.problems.map((p) => ({ path: formatDocPath(p.path), message: p.message })),
    );
  }
  const runner = (leg: 'in' | 'out'): Runner => {
    const ps = plan.fields.filter((p) => p[leg]);
    return {
      names: ps.map((p) => p.name),
      legs: ps.map((p) => p[leg]!),
      when: ps.map((p) => p.when),
      required: ps.map((p) => p.required),
    };
  };
  const inbound = runner('in');
  const outbound = runner('out');
  const key = plan.recordKey!;
  const compiled: CompiledMapping = {
    id: `${doc.connector}.${doc.stream}`,
    hash,
    connector: doc.connector,
    stream: doc.stream,
    entity: doc.entity,
    fields: plan.fields.map(({ name, direction, owner, required }) => ({
      name,
      direction,
      owner,
      required,
    })),
    recordKey: (r) => {
      const k = key(r);
      if (k === undefined || k === null || k === '') return undefined;
      return Array.isArray(k)
        ? k.some((x) => x == null || x === '')
          ? undefined
          : k.join(':')
        : String(k);
    },
    in: (r) => run(inbound, r, true),
    out: (r) => run(outbound, r, false),
  };
  if (doc.landsOn) compiled.landsOn = compileLanding(doc.landsOn, plan.originIds);
  cache.set(hash, compiled);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return compiled;
}

/** One quarantine entry per field error: what the sync engine archives with the record. */
export function quarantineEntries(
  record: unknown,
  result: MappingResult,
): { record: unknown; field: string; reason: string }[] {
  return result.errors.map((e) => ({ record, field: e.field, reason: e.reason }));
}
