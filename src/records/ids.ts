import { hash, randomFillSync } from 'node:crypto';

const PREFIX: Record<string, string> = {
  customer: 'cus',
  lead: 'led',
  touchpoint: 'tch',
  sale: 'sal',
  activity: 'act',
  campaign: 'cmp',
  spend: 'spd',
  conversion: 'cnv',
};

const ID_BYTES = 10; // 80 random bits, written as 20 hex characters
const pool = Buffer.alloc(ID_BYTES * 512);
let used = pool.length;

/** 80 random bits as 20 hex characters, cut from a pool the CSPRNG refills 512 ids at a time. */
export function randomId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += ID_BYTES;
  return pool.toString('hex', used - ID_BYTES, used);
}

/** A new canonical record id, prefixed by entity (`led_...`). */
export function newRecordId(entity: string): string {
  return `${PREFIX[entity] ?? 'rec'}_${randomId()}`;
}

/**
 * The id a record (or the customer it makes) takes when it first comes in on a page: derived from
 * the page's archive key, the entity and the record's key in its system, so a rebuild that
 * replays the archived page gives it the same id again (`src/archive/rebuild.ts`). The archive
 * key holds 48 random bits and the batch time, so no two pages share a seed.
 */
export function derivedRecordId(entity: string, seed: string, recordKey: string): string {
  // One-shot `hash` (Node ≥ 20.12): a third of the cost of createHash().update().digest(), once
  // per new record of every page.
  const digest = hash('sha256', `${seed}\n${entity}\n${recordKey}`, 'hex');
  return `${PREFIX[entity] ?? 'rec'}_${digest.slice(0, ID_BYTES * 2)}`;
}
