import { AxiosError } from 'axios';

import { jsonOf, pathOf, valuesAt, type BodyPath } from './body-path.ts';
import { AuthError, FatalError, isClassified, PermanentError, RetryableError } from './errors.ts';
import { classifyHttpError, describeBody, parseRetryAfter } from './http.ts';

/**
 * What a failed call means, as a connector declares it:
 * - `retryable`: try again after the declared wait (a throttle, a 5xx, a lock);
 * - `auth`: the credentials are refused: the connection is marked broken;
 * - `per-record`: this request (one record, or a batch the engine may split) can never succeed
 *   as sent: the record is quarantined with the reason and the field;
 * - `fatal`: nothing in the request is at fault but it can never succeed (wrong settings, a
 *   missing account): the run fails and the batch is not split.
 */
export type ErrorKind = 'retryable' | 'auth' | 'per-record' | 'fatal';

/**
 * The unit of a declared wait: `ms`, `s`, `min`, `duration` (a protobuf Duration in JSON,
 * `"40591s"`) or `retry-after` (delta seconds or an HTTP date, RFC 9110 §10.2.3).
 */
export type WaitUnit = 'ms' | 's' | 'min' | 'duration' | 'retry-after';

/**
 * Where a retryable error's wait comes from: a response header (`json`: a path inside a header
 * holding JSON, as Meta's usage headers), a body field, or a fixed wait.
 */
export type WaitSource =
  | { header: string; unit: WaitUnit; json?: string }
  | { body: string; unit: WaitUnit }
  | { fixedMs: number };

/** The standard Retry-After header (seconds or an HTTP date). */
export const RETRY_AFTER: WaitSource = { header: 'retry-after', unit: 'retry-after' };

/** A number or a range of numbers (`{ min: 500, max: 599 }`). */
export type NumberMatch = number | readonly number[] | { min: number; max: number };

/** One row of an error table: what it matches (every condition given must hold) and the kind. */
export interface ErrorRule {
  /** HTTP status of the answer. */
  status?: NumberMatch;
  /** One of the vendor's error codes (found at the table's `codes` paths). */
  code?: string | number | readonly (string | number)[] | { min: number; max: number };
  /** True: the answer carries some vendor code (any); false: it carries none. */
  hasCode?: boolean;
  /** A body field (dotted path) and the value it must have (a RegExp tests text). */
  body?: { path: string; equals?: unknown; matches?: RegExp };
  kind: ErrorKind;
  /** For `retryable`: where the wait comes from, in order (see the table's `waitOf`). */
  wait?: readonly WaitSource[];
  /** `first` (default): the first source that gives a wait; `longest`: the longest of them. */
  waitOf?: 'first' | 'longest';
}

/** A failed answer as the table sees it. */
export interface VendorAnswer {
  status: number;
  /** The body, parsed from JSON text when it was text. */
  body: unknown;
  headers: Record<string, unknown>;
  /** `GET /path`, for messages. */
  what: string;
}

/**
 * A vendor's error table: the rows are tried in order and the first that matches decides; an
 * answer no row matches (and every failure without an answer: timeouts, resets) gets the SDK
 * default, `classifyHttpError`.
 */
export interface ErrorTable {
  /** Dotted paths of the vendor's error codes in an error body (`error.code`, `policyName`). */
  codes?: readonly string[];
  /** Dotted path of the field a `per-record` error names (`errors.0.field`). */
  field?: string;
  /** The message of a classified error (the vendor's message and code, never a secret). */
  describe?: (answer: VendorAnswer) => string;
  rules: readonly ErrorRule[];
}

const inNumbers = (n: number, m: NumberMatch): boolean =>
  typeof m === 'number' ? n === m : 'min' in m ? n >= m.min && n <= m.max : m.includes(n);

/** Milliseconds of a wait value in its unit (`'40591s'` as a `duration`), or null. */
export function unitMs(raw: unknown, unit: WaitUnit): number | null {
  if (unit === 'retry-after') return parseRetryAfter(raw);
  if (unit === 'duration') {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(typeof raw === 'string' ? raw.trim() : '');
    return m ? Math.round(Number(m[1]) * 1000) : null;
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return null;
  return Math.round(n * { ms: 1, s: 1000, min: 60_000 }[unit]);
}

/** A rule with its paths split once. */
interface CompiledRule extends ErrorRule {
  bodyPath?: BodyPath;
  sources: { source: WaitSource; path?: BodyPath }[];
}

function waitsOf(rule: CompiledRule, a: VendorAnswer): number[] {
  const waits: number[] = [];
  for (const { source, path } of rule.sources) {
    let raws: unknown[];
    if ('fixedMs' in source) raws = [source.fixedMs];
    else if ('header' in source) {
      const h = a.headers[source.header.toLowerCase()];
      raws = source.json ? valuesAt(jsonOf(h), path!) : h === undefined ? [] : [h];
    } else raws = valuesAt(a.body, path!);
    const unit = 'fixedMs' in source ? 'ms' : source.unit;
    for (const raw of raws) {
      const ms = unitMs(raw, unit);
      if (ms !== null && ms > 0) waits.push(ms);
    }
    if (waits.length && rule.waitOf !== 'longest') break;
  }
  return waits;
}

function codeMatches(codes: readonly unknown[], m: NonNullable<ErrorRule['code']>): boolean {
  return codes.some((c) => {
    if (typeof m === 'object' && 'min' in m) return typeof c === 'number' && inNumbers(c, m);
    const wanted: readonly unknown[] = Array.isArray(m) ? m : [m];
    return wanted.includes(c);
  });
}

function matches(rule: CompiledRule, a: VendorAnswer, codes: readonly unknown[]): boolean {
  if (rule.status !== undefined && !inNumbers(a.status, rule.status)) return false;
  if (rule.code !== undefined && !codeMatches(codes, rule.code)) return false;
  if (rule.hasCode !== undefined && rule.hasCode !== codes.length > 0) return false;
  if (rule.body) {
    const values = valuesAt(a.body, rule.bodyPath!);
    const { equals, matches: re } = rule.body;
    const ok = values.some((v) =>
      re ? typeof v === 'string' && re.test(v) : equals === undefined || v === equals,
    );
    if (!ok) return false;
  }
  return true;
}

/** The default message: what was called, the status and the body (secrets redacted). */
const defaultDescribe = (a: VendorAnswer) =>
  `${a.what} answered ${a.status} ${describeBody(a.body)}`.trim();

/**
 * Compiles an error table into a classifier of answers (`classifyAnswer`), for answers that are
 * not axios errors (the results of a vendor's batch operations). Paths are split once, here.
 */
export function answerClassifier(table: ErrorTable): (a: VendorAnswer) => Error | null {
  const rules: CompiledRule[] = table.rules.map((r) => ({
    ...r,
    ...(r.body ? { bodyPath: pathOf(r.body.path) } : {}),
    sources: (r.wait ?? []).map((source) => ({
      source,
      ...('body' in source ? { path: pathOf(source.body) } : {}),
      ...('json' in source && source.json ? { path: pathOf(source.json) } : {}),
    })),
  }));
  const codePaths = (table.codes ?? []).map(pathOf);
  const fieldPath = table.field ? pathOf(table.field) : null;
  const describe = table.describe ?? defaultDescribe;
  return (a) => {
    const codes = codePaths.flatMap((p) => valuesAt(a.body, p));
    const rule = rules.find((r) => matches(r, a, codes));
    if (!rule) return null;
    const message = describe(a);
    switch (rule.kind) {
      case 'retryable': {
        const waits = waitsOf(rule, a);
        return new RetryableError(message, waits.length ? Math.max(...waits) : null, a.status);
      }
      case 'auth':
        return new AuthError(message, a.status);
      case 'fatal':
        return new FatalError(message, a.status);
      default: {
        const field = fieldPath ? valuesAt(a.body, fieldPath)[0] : undefined;
        return new PermanentError(message, a.status, typeof field === 'string' ? field : null);
      }
    }
  };
}

/** The answer of a failed axios call, or null when there was none (a timeout, a reset). */
export function answerOf(err: unknown): VendorAnswer | null {
  if (!(err instanceof AxiosError) || !err.response) return null;
  const { status, data, headers } = err.response;
  const what = `${err.config?.method?.toUpperCase() ?? 'HTTP'} ${err.config?.url ?? ''}`.trim();
  return { status, body: jsonOf(data) ?? data, headers: { ...headers }, what };
}

/**
 * The `classify` of a declared error table: a failed call's answer goes through the rows; what
 * no row matches, and failures without an answer, get `classifyHttpError`.
 *
 * @example
 * const classify = classifierOf({
 *   codes: ['error.code'],
 *   rules: [{ code: [4, 17], kind: 'retryable', wait: [RETRY_AFTER] }, { status: 401, kind: 'auth' }],
 * });
 */
export function classifierOf(table: ErrorTable): (err: unknown) => Error {
  const classify = answerClassifier(table);
  return (err) => {
    if (isClassified(err)) return err;
    const answer = answerOf(err);
    return (answer && classify(answer)) ?? classifyHttpError(err);
  };
}

/** How a connector's failed calls are classified: its error table, its `classify`, or the default. */
export function classifierOfConnector(def: {
  errors?: ErrorTable;
  classify?: (err: unknown) => Error;
}): (err: unknown) => Error {
  if (def.errors) return classifierOf(def.errors);
  return def.classify ?? classifyHttpError;
}
