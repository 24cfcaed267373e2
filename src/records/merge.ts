import { sameValue, type FlatFields } from './flat.ts';
import { mergeStageHistory, STAGE_HISTORY } from './stage-history.ts';

/**
 * Who last set a field and when (ms since epoch, from the source's own change time). Never
 * changed in place (a field gets a new one), so fields set together share one object.
 */
export interface FieldMeta {
  /** Connector id that set it (`hub` for edits made in the hub). */
  readonly src: string;
  readonly at: number;
  /** The owner rule the writer's mapping declared for the field, when not `latest`. */
  readonly o?: string;
}

/** A field's conflict rule: a connector id whose value wins, `hub`, or `latest`. */
export type OwnerRule = string;

/** The stored shape of a canonical record. */
export interface StoredRecord {
  id: string;
  entity: string;
  /** Version, +1 on every change; the compare-and-set check of concurrent writers. */
  v: number;
  /** Customer this record belongs to, for leads, sales, touchpoints and activities. */
  customerId?: string;
  /** Identity key that matched the record to its customer (absent: it made the customer). */
  matchKey?: 'email' | 'phone' | 'namePostal';
  /** Confidence of that match: `high` for email or phone, `medium` for the weak key. */
  matchConfidence?: 'high' | 'medium';
  f: FlatFields;
  m: Record<string, FieldMeta>;
}

/** Where incoming values come from. */
export interface MergeSource {
  connectorId: string;
  /** When the source says the record changed (ms); decides `latest`. */
  at: number;
  /** Owner rule per field path; fields not listed use `latest`. */
  owners: ReadonlyMap<string, OwnerRule>;
}

/**
 * Decides whether an incoming value may replace the current one. Deterministic: the same inputs
 * give the same answer whatever order runs happen in.
 * - a value written by the owner its mapping declared is kept against every other writer;
 * - the field's owner connector always wins; other connectors only fill or replace non-owner values;
 * - `hub`: a value set in the hub is kept; otherwise as `latest`;
 * - `latest`: the newer source time wins; on a tie, the greater connector id (an arbitrary but fixed order).
 */
export function mayOverwrite(
  owner: OwnerRule,
  current: FieldMeta | undefined,
  src: string,
  at: number,
): boolean {
  if (!current) return true;
  // A value set by the owner its own mapping declared stays, whatever other mappings say
  // (a Mailchimp unsubscribe is not undone by a CRM sync that treats the field as `latest`).
  if (current.o && current.o === current.src && src !== current.o) return false;
  if (owner === src) return true;
  const ownedByConnector = owner !== 'latest' && owner !== 'hub';
  if (ownedByConnector && current.src === owner) return false;
  if (owner === 'hub' && current.src === 'hub') return false;
  return at > current.at || (at === current.at && src >= current.src);
}

/**
 * Merges incoming flat fields into a record under the owner rules. Returns the changed field paths
 * (empty when nothing changed: that is what keeps an echo from becoming a change).
 * Missing incoming values (`undefined`/`null`) never erase a stored value. A lead's
 * `stageHistory` is not replaced but accumulated from the stages reported (src/records/stage-history.ts).
 */
export function mergeFields(
  record: StoredRecord,
  incoming: FlatFields,
  source: MergeSource,
): string[] {
  const changed: string[] = [];
  let latest: FieldMeta | undefined; // shared by the fields this merge sets under `latest`
  const lead = record.entity === 'lead';
  for (const path in incoming) {
    if (lead && path === STAGE_HISTORY) continue;
    const value = incoming[path];
    if (value === undefined || value === null || value === '') continue;
    if (sameValue(record.f[path], value)) continue;
    const owner = source.owners.get(path) ?? 'latest';
    if (!mayOverwrite(owner, record.m[path], source.connectorId, source.at)) continue;
    record.f[path] = value;
    record.m[path] =
      owner === 'latest'
        ? (latest ??= { src: source.connectorId, at: source.at })
        : { src: source.connectorId, at: source.at, o: owner };
    changed.push(path);
  }
  if (lead && mergeStageHistory(record, incoming, source)) changed.push(STAGE_HISTORY);
  return changed;
}
