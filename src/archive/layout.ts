import { ID_PATTERN } from '../store/keys.ts';
import type { ArchiveFilter, ArchiveKind, ArchiveLocation } from './archive.ts';
import { invalidArchiveInput } from './errors.ts';

/**
 * The one place that builds and checks archive keys. A key is
 * `<tenant>/<connection>/<stream>/<kind>/<yyyy-mm-dd>/<timestamp>-<seq><random>.ndjson.gz`, where
 * the timestamp is the batch's ISO time with `:` replaced by `-` (safe in file names), so the
 * lexical order of keys in a day folder is their time order, and the object names of a tenant
 * sort in time order whatever folders they are in. `<seq>` is a process-wide counter (6 base-36
 * digits) and `<random>` 6 hex digits.
 *
 * Keys of the first layout, `<tenant>/<connector>/<kind>/<yyyy-mm-dd>/<name>` (before the
 * archive was keyed by connection and stream), stay readable: {@link parseKey} reads them with
 * `layout: 1`, listing returns them for filters without a connection, and `rebuild` replays them
 * where the tenant has one inbound sync for that connector.
 *
 * Nothing here needs Node: the edge worker (`src/edge/worker.ts`) builds its keys with it too.
 */

/** Every kind of batch, in key order. */
export const ARCHIVE_KINDS: readonly ArchiveKind[] = [
  'deadletter',
  'edge',
  'quarantine',
  'raw',
  'report',
];

/** File name suffix of every archived object. */
export const OBJECT_SUFFIX = '.ndjson.gz';

/** The stream folder of webhook deliveries the edge took (the stream is not known yet there). */
export const EDGE_STREAM = 'hooks';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const OBJECT_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-[0-9a-z]{12}\.ndjson\.gz$/;
const SEQ_SPACE = 36 ** 6;

// A process-wide counter ahead of the random part keeps batches taken in the same millisecond
// in append order; the random part keeps processes from colliding.
let seq = 0;

/** True for a usable tenant, connection, connector or stream id: lowercase letters, digits, `_` and `-`. */
export const isArchiveId = (id: unknown): id is string =>
  typeof id === 'string' && ID_PATTERN.test(id);

/** True for a known {@link ArchiveKind}. */
export const isArchiveKind = (kind: unknown): kind is ArchiveKind =>
  ARCHIVE_KINDS.includes(kind as ArchiveKind);

/** True for a real calendar date written `yyyy-mm-dd`. */
export function isArchiveDate(date: unknown): date is string {
  if (typeof date !== 'string' || !DATE.test(date)) return false;
  const d = new Date(`${date}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(date);
}

/** True for a name this layout gives to an object inside a day folder. */
export const isObjectName = (name: string): boolean => OBJECT_NAME.test(name);

/** What an id in a key names. */
type IdField = 'tenant' | 'group' | 'connection' | 'connector' | 'stream';

/** @throws AppError `invalid_archive_input` unless `id` is a valid id for `what`. */
export function assertArchiveId(what: IdField, id: unknown): asserts id is string {
  if (!isArchiveId(id)) {
    throw invalidArchiveInput(
      `Invalid ${what} id ${JSON.stringify(id)}: use 1-63 lowercase letters, digits, "_" or "-", starting with a letter or digit`,
    );
  }
}

/** @throws AppError `invalid_archive_input` unless `kind` is a known kind. */
export function assertArchiveKind(kind: unknown): asserts kind is ArchiveKind {
  if (!isArchiveKind(kind)) {
    throw invalidArchiveInput(
      `Invalid archive kind ${JSON.stringify(kind)}: use one of ${ARCHIVE_KINDS.join(', ')}`,
    );
  }
}

function uniquePart(): string {
  seq = (seq + 1) % SEQ_SPACE;
  const random = globalThis.crypto.getRandomValues(new Uint8Array(3));
  let hex = '';
  for (const b of random) hex += b.toString(16).padStart(2, '0');
  return seq.toString(36).padStart(6, '0') + hex;
}

/**
 * Builds the key of a new object for a batch taken at `loc.at` (default now).
 * @throws AppError `invalid_archive_input` on a bad id, kind or date.
 * @example
 * buildKey({ tenantId: 'acme', connectionId: 'c_1f', stream: 'leads', kind: 'raw', at: new Date(0) });
 * // 'acme/c_1f/leads/raw/1970-01-01/1970-01-01T00-00-00.000Z-000001a1b2c3.ndjson.gz'
 */
export function buildKey(loc: ArchiveLocation): string {
  assertArchiveId('tenant', loc.tenantId);
  assertArchiveId('connection', loc.connectionId);
  assertArchiveId('stream', loc.stream);
  assertArchiveKind(loc.kind);
  const at = loc.at ?? new Date();
  const iso = at instanceof Date && !Number.isNaN(at.getTime()) ? at.toISOString() : '';
  if (!/^\d{4}-/.test(iso)) {
    throw invalidArchiveInput(`Invalid batch time ${String(loc.at)}: use a date in years 0-9999`);
  }
  const name = `${iso.replaceAll(':', '-')}-${uniquePart()}${OBJECT_SUFFIX}`;
  return `${loc.tenantId}/${loc.connectionId}/${loc.stream}/${loc.kind}/${iso.slice(0, 10)}/${name}`;
}

/** The parts of a key, as {@link parseKey} reads them. */
export type KeyParts = {
  tenantId: string;
  kind: ArchiveKind;
  /** The day folder, `yyyy-mm-dd`. */
  date: string;
  /** The object's name inside its day folder. */
  name: string;
} & ({ layout: 2; connectionId: string; stream: string } | { layout: 1; connectorId: string });

/** Reads a key this layout builds (or the first layout built); `null` for anything else. */
export function parseKey(key: unknown): KeyParts | null {
  if (typeof key !== 'string') return null;
  const parts = key.split('/');
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [tenantId, ...mid] = parts.slice(0, -3);
  const [kind, date, name] = parts.slice(-3);
  const ok =
    isArchiveId(tenantId) &&
    mid.every(isArchiveId) &&
    isArchiveKind(kind) &&
    isArchiveDate(date) &&
    name !== undefined &&
    isObjectName(name) &&
    name.startsWith(date);
  if (!ok) return null;
  const base = { tenantId, kind, date, name };
  return mid.length === 2
    ? { ...base, layout: 2, connectionId: mid[0]!, stream: mid[1]! }
    : { ...base, layout: 1, connectorId: mid[0]! };
}

/** The time a key's batch was taken (from its name). */
export function keyTime(parts: Pick<KeyParts, 'name'>): Date {
  const stamp = parts.name.slice(0, 24); // 2024-07-09T23-59-58.007Z
  return new Date(`${stamp.slice(0, 13)}:${stamp.slice(14, 16)}:${stamp.slice(17)}`);
}

/**
 * Checks that `key` is one this layout builds, so it cannot point outside the archive.
 * @throws AppError `invalid_archive_input` otherwise.
 */
export function assertKey(key: unknown): asserts key is string {
  if (!parseKey(key)) throw invalidArchiveInput(`Invalid archive key ${JSON.stringify(key)}`);
}

/**
 * Checks a filter's ids, kind and dates.
 * @throws AppError `invalid_archive_input` naming the bad field.
 */
export function assertFilter(filter: ArchiveFilter): void {
  assertArchiveId('tenant', filter.tenantId);
  if (filter.connectionId !== undefined) assertArchiveId('connection', filter.connectionId);
  if (filter.stream !== undefined) {
    assertArchiveId('stream', filter.stream);
    if (filter.connectionId === undefined)
      throw invalidArchiveInput('Invalid filter: a stream needs its connectionId');
  }
  if (filter.kind !== undefined) assertArchiveKind(filter.kind);
  for (const field of ['from', 'to'] as const) {
    const v = filter[field];
    if (v !== undefined && !isArchiveDate(v)) {
      throw invalidArchiveInput(`Invalid ${field} date ${JSON.stringify(v)}: use yyyy-mm-dd`);
    }
  }
}

const DOCUMENT_PATH = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)*[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The key of a named document of a tenant: `<tenant>/<path>`.
 * @throws AppError `invalid_archive_input` on a bad tenant id or path.
 * @example documentKey('acme', 'reports/attribution/2026-03-01_2026-03-31_linear.csv')
 */
export function documentKey(tenantId: string, path: string): string {
  assertArchiveId('tenant', tenantId);
  if (!DOCUMENT_PATH.test(path) || path.includes('..'))
    throw invalidArchiveInput(
      `Invalid document path ${JSON.stringify(path)}: use folders and a file name of letters, digits, '.', '_' and '-'`,
    );
  return `${tenantId}/${path}`;
}

/**
 * The folder of tenant groups' documents. Tenant ids start with a letter or digit, so no tenant's
 * folder can be named this: a group and a store of the same id never share a key.
 */
export const GROUP_DOCUMENTS = '_groups';

/**
 * The key of a named document of a tenant group: `_groups/<group>/<path>`.
 * @throws AppError `invalid_archive_input` on a bad group id or path.
 * @example groupDocumentKey('lone-star', 'reports/attribution/2026-03-01_2026-03-31_linear.csv')
 */
export function groupDocumentKey(groupId: string, path: string): string {
  assertArchiveId('group', groupId);
  return `${GROUP_DOCUMENTS}/${documentKey(groupId, path)}`;
}
