import type { Contact } from '../canonical/index.ts';
import type { RunNotes } from './types.ts';

/** Note counting rows whose record key was already read earlier in the same run. */
export const DUPLICATE_ROWS = 'duplicateRows';
/** Prefix of the notes counting records identity could not match to anyone, by reason. */
export const UNMATCHABLE = 'unmatchable';
/** Prefix of the notes counting records a sink left out by design, by reason (`skipped.notOnList`). */
export const SKIPPED = 'skipped';
/** Prefix of the notes counting records a sink wrote without a part it left out by design (`leftOut.partialAddress`). */
export const LEFT_OUT = 'leftOut';
/**
 * Entities whose records are of a person, the only ones identity can fail to match: a spend row
 * or a campaign has no person, so it is never `unmatchable`.
 */
export const PERSON_RECORD_ENTITIES: ReadonlySet<string> = new Set([
  'customer',
  'lead',
  'touchpoint',
  'activity',
  'sale',
]);
/** Record keys a run remembers to count duplicates (beyond it, duplicates go uncounted). */
export const MAX_KEYS_REMEMBERED = 1_000_000;

/**
 * Why a record's contact details cannot be matched to any person (no email, no phone, and no
 * name with a postal code), or null when they can.
 */
export function unmatchableReason(c: Contact | undefined): string | null {
  if (!c) return 'noContactDetails';
  if (c.email || c.phone || c.mobilePhone || c.workPhone) return null;
  const name = !!(c.lastName || c.firstName);
  const postal = !!c.address?.postalCode;
  if (c.isBusiness || (c.companyName && !name)) return 'businessWithoutEmailOrPhone';
  if (name && postal) return 'nameAndPostalNotEnough';
  if (name) return 'nameWithoutPostal';
  if (postal) return 'postalWithoutName';
  return 'noContactDetails';
}

/**
 * Counts the records of `entity` identity matched to nobody, by reason
 * (`unmatchable.nameWithoutPostal`...), from their contact details and the resolution (null = no
 * customer); none for an entity whose records are not of a person (PERSON_RECORD_ENTITIES).
 */
export function unmatchableNotes(
  entity: string,
  contacts: readonly (Contact | undefined)[],
  people: readonly unknown[],
): RunNotes | undefined {
  if (!PERSON_RECORD_ENTITIES.has(entity)) return undefined;
  let notes: RunNotes | undefined;
  contacts.forEach((c, i) => {
    if (people[i]) return;
    const reason = unmatchableReason(c) ?? 'noUsableKey';
    notes ??= {};
    const k = `${UNMATCHABLE}.${reason}`;
    notes[k] = (notes[k] ?? 0) + 1;
  });
  return notes;
}

/**
 * `notes` with what a sink said of one record it wrote or left out by design: `skipped.<reason>`
 * for a record skipped, `leftOut.<reason>` for each part of it left out.
 */
export function withSinkNotes(
  notes: RunNotes | undefined,
  r: { skipped?: string; leftOut?: string[] },
): RunNotes | undefined {
  if (!r.skipped && !r.leftOut?.length) return notes;
  const out = notes ?? {};
  if (r.skipped) addNotes(out, { [`${SKIPPED}.${r.skipped}`]: 1 });
  for (const why of r.leftOut ?? []) addNotes(out, { [`${LEFT_OUT}.${why}`]: 1 });
  return out;
}

/** Adds `b` into `a`. */
export function addNotes(a: RunNotes, b: RunNotes | undefined): void {
  if (b) for (const k in b) a[k] = (a[k] ?? 0) + b[k]!;
}

/**
 * A 53-bit fingerprint of a key (cyrb53, public domain): a run remembers fingerprints, a number
 * each, instead of the keys, so counting duplicates over a 50,000-row export costs about 1.5 MB
 * rather than the keys' strings (and whatever larger strings they were sliced from). Two distinct
 * keys share a fingerprint with odds of about 1 in 10^7 at a million keys: at worst one row
 * miscounted as a duplicate in a note, never a record lost.
 */
export function fingerprint(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Counts rows of a page whose key the run has seen before, remembering the new ones. */
export function countDuplicates(keys: readonly (string | null)[], seen: Set<number>): number {
  let dup = 0;
  for (const k of keys) {
    if (k === null) continue;
    const f = fingerprint(k);
    if (seen.has(f)) dup++;
    else if (seen.size < MAX_KEYS_REMEMBERED) seen.add(f);
  }
  return dup;
}
