import type { Redis } from 'ioredis';

import type { Contact } from '../canonical/index.ts';
import type { Keys } from '../store/keys.ts';
import type { FieldProblem } from '../sync/quarantine.ts';

/**
 * Entities whose records are about a person: only these count missing emails and phones, and
 * duplicates merged.
 */
export const PERSON_ENTITIES: ReadonlySet<string> = new Set(['customer', 'lead', 'sale']);

/** Distinct quarantine reasons kept per connection and day; the rest count under `other`. */
export const MAX_REASONS_PER_DAY = 50;

/** Counter names of one connection's import day (hash fields `<connectionId>␟<name>`). */
export const COUNTERS = [
  'read',
  'quarantined',
  'missingEmail',
  'missingPhone',
  'invalidNormalized',
  'duplicatesMerged',
] as const;

/** One counter. */
export type Counter = (typeof COUNTERS)[number];

/** Prefix of the per-reason quarantine counters. */
export const REASON_PREFIX = 'q:';

/** Separates the connection id from the counter in a hash field. */
export const FIELD_SEP = '\u001f';

/** What one ingested page adds to its connection's import day. */
export interface QualityCounts extends Record<Counter, number> {
  /** Quarantined records by reason (`<field>: <reason>`); a record counts once per reason. */
  reasons: Record<string, number>;
}

/** Fresh zero counts. */
export const zeroQuality = (): QualityCounts => ({
  read: 0,
  quarantined: 0,
  missingEmail: 0,
  missingPhone: 0,
  invalidNormalized: 0,
  duplicatesMerged: 0,
  reasons: {},
});

/**
 * The reason a problem counts under: its field and reason with quoted values taken out, so
 * `invalid email address "x@"` of two records is one reason (and no personal data is kept), and
 * any run of 5 or more digits outside quotes (a phone, a postal code or an account number a
 * message named bare) as N. Shorter numbers are a rule's (`need 17 characters`, `1-31`), and runs
 * of 9 a format's (`format seen: 99/99/9999`), so they stay: the reason stays readable.
 */
export function reasonKey(p: FieldProblem): string {
  const reason = p.reason
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '')
    .replace(/\d{5,}/g, (d) => (/^9+$/.test(d) ? d : 'N'))
    .replace(/\s+([:,.;)])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .replace(/[\s:,]+$/, '')
    .trim();
  return `${p.field}: ${reason || 'invalid'}`;
}

/** Counts quarantined records by their distinct reasons. */
export function countRejected(q: QualityCounts, rejected: readonly FieldProblem[][]): void {
  q.quarantined += rejected.length;
  for (const problems of rejected)
    for (const r of new Set(problems.map(reasonKey))) q.reasons[r] = (q.reasons[r] ?? 0) + 1;
}

/** Counts accepted person records without an email, and without any phone. */
export function countMissing(
  q: QualityCounts,
  entity: string,
  contacts: readonly (Contact | undefined)[],
): void {
  if (!PERSON_ENTITIES.has(entity)) return;
  for (const c of contacts) {
    if (!c?.email) q.missingEmail++;
    if (!c?.phone && !c?.mobilePhone && !c?.workPhone) q.missingPhone++;
  }
}

/**
 * Adds a page's counts to its connection's import day (one MULTI of HINCRBY). Reasons past
 * MAX_REASONS_PER_DAY distinct ones for the day count under `other`.
 */
export async function recordQuality(
  redis: Redis,
  k: Keys,
  tenantId: string,
  connectionId: string,
  day: string,
  q: QualityCounts,
): Promise<void> {
  const key = k.quality(tenantId, day);
  const field = (name: string) => `${connectionId}${FIELD_SEP}${name}`;
  let reasons = Object.entries(q.reasons);
  if (reasons.length) {
    const known = await redis.hkeys(key);
    const have = new Set(known.filter((f) => f.startsWith(field(REASON_PREFIX))));
    let room = MAX_REASONS_PER_DAY - have.size;
    reasons = reasons.map(([r, n]) =>
      have.has(field(REASON_PREFIX + r)) || room-- > 0 ? [r, n] : ['other', n],
    );
  }
  const tx = redis.multi();
  for (const c of COUNTERS) if (q[c]) tx.hincrby(key, field(c), q[c]);
  for (const [r, n] of reasons) tx.hincrby(key, field(REASON_PREFIX + r), n);
  await tx.exec();
}
