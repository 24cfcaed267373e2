import { UNREADABLE, type SystemRecord } from '../sdk/connector.ts';

/**
 * Deepest nesting a system record may have (objects and arrays, the record itself being level
 * 1). CRM, DMS and marketing records nest a few levels (an ADF lead about 6); 64 leaves room for
 * vendor extensions, matches `MAX_XML_DEPTH`, and stays far below the depth at which recursive
 * code (JSON.stringify, flattening, deep equality) exhausts the stack: a 100,000-deep field
 * "cannot be written as JSON" and used to fail its page on every run.
 */
export const MAX_RECORD_DEPTH = 64;

/**
 * Largest record, in characters of its JSON (counted approximately: strings and keys by length,
 * escapes not counted). Records are a few KB; HubSpot, for one, caps a property value at 65,536
 * characters. A record past 1 MB is a runaway blob (an attachment inlined as base64): kept, it
 * would bloat the record hash, the change log and every outbound batch that carries it (500 such
 * records make a 500 MB request).
 */
export const MAX_RECORD_CHARS = 1_000_000;

/** Why a record cannot be processed: the path where the walk stopped and the reason. */
export interface RecordProblem {
  field: string;
  reason: string;
}

const scalarChars = (v: unknown): number =>
  typeof v === 'string' ? v.length + 2 : typeof v === 'number' ? 12 : 5;

/** A container still to visit; the path is kept as parent links and spelled only on a problem. */
interface Frame {
  v: unknown;
  depth: number;
  key: string;
  parent: Frame | null;
}

const pathOf = (f: Frame): string => {
  const keys: string[] = [];
  for (let at: Frame | null = f; at?.parent; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.') || '(record)';
};

/**
 * Checks a record against `MAX_RECORD_DEPTH`, `MAX_RECORD_CHARS` and what JSON can hold (no
 * BigInt, no cycles: a cycle shows as nesting past the limit), with an explicit stack, so a
 * record of any depth is checked without recursion. Returns the first problem, or null.
 */
export function recordProblem(record: SystemRecord): RecordProblem | null {
  const stack: Frame[] = [{ v: record, depth: 1, key: '', parent: null }];
  let chars = 0;
  for (let f = stack.pop(); f; f = stack.pop()) {
    if (f.depth > MAX_RECORD_DEPTH)
      return {
        field: pathOf(f),
        reason: `the record nests deeper than ${MAX_RECORD_DEPTH} levels (MAX_RECORD_DEPTH)`,
      };
    chars += 2;
    const v = f.v as Record<string, unknown>;
    for (const key in v) {
      chars += key.length + 4;
      const child = v[key];
      if (typeof child === 'object' && child !== null)
        stack.push({ v: child, depth: f.depth + 1, key, parent: f });
      else if (typeof child === 'bigint')
        return {
          field: pathOf({ v: child, depth: f.depth, key, parent: f }),
          reason: 'a BigInt value cannot be written as JSON',
        };
      else chars += scalarChars(child);
    }
    if (chars > MAX_RECORD_CHARS)
      return {
        field: '(record)',
        reason: `the record is larger than ${MAX_RECORD_CHARS} characters of JSON (MAX_RECORD_CHARS)`,
      };
  }
  return null;
}

/** Nodes a quarantine preview of a poison record keeps. */
const PREVIEW_NODES = 200;
/** Characters of a string a preview keeps. */
const PREVIEW_CHARS = 500;
/** Levels a preview keeps. */
const PREVIEW_DEPTH = 8;

/**
 * What the quarantine keeps of a record that cannot be processed: a small copy (8 levels, 200
 * values, strings cut to 500 characters; what is cut shows as "…"), built without recursion,
 * with the reason in `UNREADABLE`, so a replay of the entry quarantines it again instead of
 * mapping the cut copy.
 */
export function poisonPreview(record: SystemRecord, reason: string): SystemRecord {
  const root: Record<string, unknown> = {};
  const queue: { from: object; to: Record<string, unknown> | unknown[]; depth: number }[] = [
    { from: record, to: root, depth: 1 },
  ];
  let nodes = 0;
  for (let q = queue.shift(); q; q = queue.shift()) {
    for (const key in q.from) {
      const v = (q.from as Record<string, unknown>)[key];
      let copy: unknown;
      if (++nodes > PREVIEW_NODES) copy = '…';
      else if (typeof v === 'string')
        copy = v.length > PREVIEW_CHARS ? `${v.slice(0, PREVIEW_CHARS)}…` : v;
      else if (typeof v === 'bigint') copy = String(v);
      else if (typeof v !== 'object' || v === null) copy = v;
      else if (q.depth >= PREVIEW_DEPTH) copy = '…';
      else {
        copy = Array.isArray(v) ? [] : {};
        queue.push({ from: v, to: copy as Record<string, unknown>, depth: q.depth + 1 });
      }
      if (Array.isArray(q.to)) q.to.push(copy);
      else q.to[key] = copy;
      if (nodes > PREVIEW_NODES) break;
    }
  }
  root[UNREADABLE] = reason;
  return root;
}

/**
 * The page with every record that cannot be processed (see `recordProblem`) replaced by its
 * `poisonPreview`, which the engine quarantines with the reason like any unreadable record,
 * while the rest of the page goes on and the stream's cursor moves past it. Called at the
 * inbound edge, before a page is archived or mapped; the page itself when nothing is wrong.
 */
export function defusePage(records: SystemRecord[]): SystemRecord[] {
  let out: SystemRecord[] | undefined;
  for (let i = 0; i < records.length; i++) {
    const problem = recordProblem(records[i]!);
    if (!problem) continue;
    out ??= records.slice();
    out[i] = poisonPreview(records[i]!, `${problem.field}: ${problem.reason}`);
  }
  return out ?? records;
}
