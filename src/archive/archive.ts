/**
 * What an archived batch is: raw inbound pages, quarantined records, dead letters (`deadletter`),
 * run reports, or webhook deliveries the edge intake took before the hub verified them (`edge`).
 */
export type ArchiveKind = 'deadletter' | 'edge' | 'quarantine' | 'raw' | 'report';

/**
 * Where a batch belongs. Objects are laid out as
 * `<tenant>/<connection>/<stream>/<kind>/<yyyy-mm-dd>/...` (see `layout.ts`).
 */
export interface ArchiveLocation {
  tenantId: string;
  /** The connection the batch came through (or went out on). */
  connectionId: string;
  /** The connector's stream (inbound) or sink (outbound) the batch belongs to. */
  stream: string;
  kind: ArchiveKind;
  /** When the batch was taken; decides the date folder (UTC). Defaults to now. */
  at?: Date;
}

/**
 * Which objects to list or replay. Dates are `yyyy-mm-dd`, inclusive. `stream` needs
 * `connectionId`. Objects of the first layout (`<tenant>/<connector>/<kind>/...`, before
 * connections and streams were in the key) match only filters without a connection.
 */
export interface ArchiveFilter {
  tenantId: string;
  connectionId?: string;
  stream?: string;
  kind?: ArchiveKind;
  from?: string;
  to?: string;
}

/**
 * The archive: append-only, newline-delimited JSON compressed with gzip, one object per batch.
 * It is the system of record for raw inputs, so Redis can be rebuilt by replaying it.
 */
export interface Archive {
  /** Human-readable location, e.g. `file:///srv/archive` or `s3://bucket/prefix`. */
  readonly location: string;
  /** Writes `records` as one new object and returns its key. An empty batch writes nothing. */
  append(
    loc: ArchiveLocation,
    records: readonly unknown[],
  ): Promise<{ key: string | null; count: number }>;
  /**
   * Writes `records` as one object under `key`, a key `newKey` gave (so a caller can know the
   * key, and so the batch's time, before the write ends). An empty batch writes nothing.
   */
  write(key: string, records: readonly unknown[]): Promise<{ key: string | null; count: number }>;
  /** A new key for a batch at `loc` (nothing is written). */
  newKey(loc: ArchiveLocation): string;
  /** Keys of matching objects in key order (which is time order within a day folder). */
  list(filter: ArchiveFilter): AsyncIterable<string>;
  /** Streams the records of one object, decompressing and parsing line by line. */
  read(key: string): AsyncIterable<unknown>;
  /** Streams every record of every matching object, in key order. */
  replay(filter: ArchiveFilter): AsyncIterable<{ key: string; record: unknown }>;
  /**
   * Writes a named document (an exported report) as one whole object, replacing an earlier one of
   * the same name; returns its key `<tenant>/<path>`. `path` is folders and a file name of
   * letters, digits, `.`, `_` and `-` (e.g. `reports/attribution/2026-03-01_2026-03-31_linear.csv`).
   */
  putDocument(tenantId: string, path: string, body: string, contentType: string): Promise<string>;
  /**
   * Writes a named document of a tenant group (its exported report) as one whole object, replacing
   * an earlier one of the same name; returns its key `_groups/<group>/<path>` (`path` as in
   * `putDocument`).
   */
  putGroupDocument(
    groupId: string,
    path: string,
    body: string,
    contentType: string,
  ): Promise<string>;
  /** Reads a document written by `putDocument` or `putGroupDocument`, by its key. @throws AppError `not_found`. */
  readDocument(key: string): Promise<string>;
  /** Resolves when the archive is reachable and writable; rejects with the reason otherwise. */
  ping(): Promise<void>;
}
