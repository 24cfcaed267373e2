import type { AxiosInstance } from 'axios';
import type { z } from 'zod';

import type { Logger } from '../log/logger.ts';
import type { ErrorTable } from './error-table.ts';
import type { OAuth2RefreshConfig } from './oauth2.ts';
import type { WebhookAuth } from './webhook-auth.ts';

/** A record as a connector presents it: a plain object, API quirks removed. */
export type SystemRecord = Record<string, unknown>;

/**
 * Field a stream sets (with the reason) on a record it could not read, such as a CSV row with the
 * wrong number of fields: the engine quarantines that record with this reason instead of mapping it.
 */
export const UNREADABLE = '_error';

/** What every connector call receives. */
export interface ConnectorContext<S = Record<string, unknown>, C = Record<string, string>> {
  tenantId: string;
  connectionId: string;
  /** Parsed with the connector's `settings` schema (host overrides live here). */
  settings: S;
  /** Parsed with the connector's `credentials` schema; never log these. */
  credentials: C;
  /** An HTTP client made by the connector's `client` factory (or a plain axios instance). */
  http: AxiosInstance;
  log: Logger;
  /** Aborted when the run is cancelled or the worker shuts down. */
  signal: AbortSignal;
  /**
   * The ids among `ids` (the system's record ids) of records the hub itself wrote through `sink`
   * (its link table and write record). Absent outside the sync engine.
   */
  writtenByHub?(sink: string, ids: readonly string[]): Promise<ReadonlySet<string>>;
}

/** One page read from a stream. */
export interface StreamPage {
  records: SystemRecord[];
  /** Cursor to resume after this page (persisted once the page is committed). */
  nextCursor: string | null;
  /** False on the last page of this run. */
  hasMore: boolean;
  /**
   * Named counts the run report adds up (`RunReport.notes`), for what the stream presented short
   * of the system's intent without failing a record, e.g. `unknownOwner`: records whose owner id
   * the system could not name.
   */
  notes?: Record<string, number>;
}

/** A readable collection of a system (contacts, leads, deals...). */
export interface StreamDef<S, C> {
  description: string;
  /** Reads one page of records changed since `cursor` (null: from the start, a backfill). */
  read(ctx: ConnectorContext<S, C>, cursor: string | null): Promise<StreamPage>;
  /**
   * Reads the records with these ids, as `read` presents them: what a webhook that announces ids
   * (`{ kind: 'fetch' }`) is answered with, whatever the records' times and the stream's cursor.
   */
  readByIds?(ctx: ConnectorContext<S, C>, ids: string[]): Promise<SystemRecord[]>;
}

/**
 * One record to write. `idempotencyKey` names the write (destination, record, version), so a retry
 * is harmless and a later version, even with content seen before, is a new write. A create (no
 * `destinationId`) keeps the key of its first attempt until the hub recorded its answer: after a
 * crash it goes again under that key with the record's newest content, and (when the answer names
 * the record) again as an update under its own key, since the answer may replay the first one.
 */
export interface SinkItem {
  /** The canonical record's id. */
  canonicalId: string;
  /** The destination's id of this record, when the link table knows it. */
  destinationId: string | null;
  idempotencyKey: string;
  record: SystemRecord;
}

/**
 * Per-record outcome of a batch write. `skipped` (with `ok: true`: not an error, never retried or
 * quarantined) says the sink left the record out by design, naming why in camelCase (e.g.
 * `notOnList`: the email tool has no such member and the hub never creates one); the run counts
 * it as skipped under the note `skipped.<reason>` and records no delivery, so a later change of
 * the record is tried again. `leftOut` names, in camelCase, the parts of the record the sink left
 * out by design while writing (or skipping) the rest (e.g. `partialAddress`: the vendor refuses an
 * incomplete address); the run counts each under the note `leftOut.<reason>`.
 */
export type SinkResult =
  | { ok: true; destinationId: string | null; skipped?: string; leftOut?: string[] }
  | { ok: false; retryable: boolean; reason: string; field?: string };

/** A writable collection of a system. */
export interface SinkDef<S, C> {
  description: string;
  /** Writes a batch; returns one result per item, in order. Throws only for whole-batch failures. */
  write(ctx: ConnectorContext<S, C>, items: SinkItem[]): Promise<SinkResult[]>;
  /** Largest batch the vendor accepts; defaults to the connector's `limits.batchSize`. */
  batchSize?: number;
  /**
   * The record as this sink sends it, for a sink that leaves out or rewrites a field by design
   * (a value the vendor would refuse). The hub hashes this form, both for what it sends and for
   * what it reads back from the system, so a value the sink never sends is not a difference (it
   * would be sent again every run). Depends on the record only; absent: the record as mapped.
   */
  sent?(record: SystemRecord): SystemRecord;
  /**
   * The canonical field without which this sink cannot address a record at all (`email` for an
   * email list, whose members are named by their address), and the reason it names: a record
   * whose mapping finds that field missing is skipped (`skipped.<skipped>`, no delivery recorded,
   * so it is tried again when it changes), not quarantined, as nobody can fix it there. A value
   * that is there but invalid is still quarantined.
   */
  addressedBy?: { field: string; skipped: string };
}

/** A webhook request as the hub received it: the raw body is kept for signature checks. */
export interface WebhookRequest {
  method: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  query: Record<string, string>;
  rawBody: Buffer;
}

/** What a webhook delivery means for the hub. */
export type WebhookOutcome =
  /** Answer the request directly (verification handshakes). */
  | { kind: 'respond'; status: number; body: string; contentType?: string }
  /** Records carried in the payload, for `stream`. */
  | { kind: 'records'; stream: string; records: SystemRecord[] }
  /** Something changed; run the stream's sync (debounced) to fetch it. */
  | { kind: 'hint'; stream: string }
  /** These records were announced by id: read them at once with the stream's `readByIds`. */
  | { kind: 'fetch'; stream: string; ids: string[] }
  /** Nothing to do (an event type the hub ignores). */
  | { kind: 'ignore' };

/** Push intake of a system. */
export interface WebhookDef<S, C> {
  /**
   * How deliveries are authenticated, as data (src/sdk/webhook-auth.ts); `authenticatedWebhook`
   * checks it before `handle` runs.
   */
  auth?: WebhookAuth<C>;
  /**
   * Checks authenticity and parses the delivery. Throws `AuthError` on a bad signature or token
   * (answered 401, nothing stored) and `PermanentError` on a malformed payload (400).
   */
  handle(
    ctx: Omit<ConnectorContext<S, C>, 'http' | 'signal'>,
    req: WebhookRequest,
  ): Promise<WebhookOutcome[]>;
}

/**
 * A tighter budget for some endpoints of a system (e.g. a search API with its own per-second
 * limit), held in its own shared bucket per connection, on top of the connection's budget.
 */
export interface EndpointLimit {
  /** Names the bucket, e.g. "search". */
  name: string;
  /** The requests it covers, by method and URL path (relative to the base URL). */
  matches(method: string, path: string): boolean;
  requestsPerSecond: number;
  /** Requests allowed at once above the steady rate; 1 spaces every request evenly. */
  burst?: number;
}

/** Vendor limits, as data. */
export interface ConnectorLimits {
  /** Requests per second per connection, shared by every worker process. */
  requestsPerSecond: number;
  /** Short bursts allowed above the steady rate. */
  burst?: number;
  /** Records per write batch. */
  batchSize: number;
  /** Requests in flight at once per connection. */
  concurrency?: number;
  /** Per-request budgets of some endpoints, shared by every worker process. */
  endpoints?: EndpointLimit[];
}

/** The declaration of one external system. */
export interface ConnectorDef<SS extends z.ZodType = z.ZodType, CS extends z.ZodType = z.ZodType> {
  /** Stable id, e.g. "hubspot"; connections and mappings name it. */
  id: string;
  name: string;
  settings: SS;
  credentials: CS;
  /** Vendor limits; a function when a connection's settings may tune them (generic connectors). */
  limits: ConnectorLimits | ((settings: z.output<SS>) => ConnectorLimits);
  /** Builds the HTTP client for a connection (base URL from settings, auth from credentials). */
  client?: (settings: z.output<SS>, credentials: z.output<CS>) => AxiosInstance;
  /**
   * The connection signs in with an OAuth 2.0 refresh token (src/sdk/oauth2.ts): the runtime puts
   * a bearer token on every request of the client, keeps it sealed in Redis per connection until
   * shortly before it expires, renews it once on a 401, and an `invalid_grant` marks the
   * connection broken.
   */
  oauth2?: (settings: z.output<SS>, credentials: z.output<CS>) => OAuth2RefreshConfig;
  /**
   * The vendor's error table (src/sdk/error-table.ts): status or vendor code → `retryable` (with
   * where its wait comes from), `auth`, `per-record` or `fatal`. What no row matches gets the
   * default (`classifyHttpError`: timeouts, 5xx, 429 with Retry-After, 401/403, other 4xx).
   */
  errors?: ErrorTable;
  /**
   * Escape hatch for a vendor whose failures are not HTTP answers (a file store's SDK errors):
   * turns a failed call into a classified error. Ignored when `errors` is declared.
   */
  classify?: (err: unknown) => Error;
  streams?: Record<string, StreamDef<z.output<SS>, z.output<CS>>>;
  sinks?: Record<string, SinkDef<z.output<SS>, z.output<CS>>>;
  webhook?: WebhookDef<z.output<SS>, z.output<CS>>;
  /**
   * A cheap authenticated call that proves the credentials work ("test connection"). It may return
   * settings it learned from the system (e.g. a portal's property options): they are merged into
   * the connection's settings.
   */
  check?: (
    ctx: ConnectorContext<z.output<SS>, z.output<CS>>,
  ) => Promise<void | { settings?: Record<string, unknown> }>;
}

/**
 * Declares a connector. An identity function that carries the zod types into every callback.
 *
 * @example
 * export default defineConnector({
 *   id: 'acme', name: 'Acme CRM',
 *   settings: z.object({ apiHost: z.url().default('https://api.acme.example') }),
 *   credentials: z.object({ token: z.string() }),
 *   limits: { requestsPerSecond: 10, batchSize: 100 },
 *   streams: { contacts: { description: 'Contacts', read: async (ctx, cursor) => ({ records: [], nextCursor: cursor, hasMore: false }) } },
 * });
 */
export function defineConnector<SS extends z.ZodType, CS extends z.ZodType>(
  def: ConnectorDef<SS, CS>,
): ConnectorDef<SS, CS> {
  return def;
}
