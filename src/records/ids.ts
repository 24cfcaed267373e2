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

/**
 * Random (or hashed) bytes after a record id's time bucket: 64 bits, 16 hex characters. Two ids
 * can only be equal within one bucket, so over many buckets the odds of a clash are about those
 * of 80 random bits (the ids' earlier form).
 */
const TAIL_BYTES = 8;
const pool = Buffer.alloc(TAIL_BYTES * 512);
let used = pool.length;

/** 64 random bits as 16 hex characters, cut from a pool the CSPRNG refills 512 ids at a time. */
function randomTail(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += TAIL_BYTES;
  return pool.toString('hex', used - TAIL_BYTES, used);
}

/**
 * The first 4 hex characters of a record id: the second it was made, modulo 2^16 (about 18 h).
 * Ids made in the same second sit side by side in the entity's id index (a sorted set in id
 * order, src/records/cas-script.ts), so a page's new ids go into one small stretch of it whose
 * path stays in Redis's cache, instead of one random place each: a ZADD of 100,000 fresh ids
 * at random places cost Redis 3.3 µs each, at one stretch per 2,000 ids 1.5-1.8 µs (private
 * redis). Only where ids go depends on it, not what they mean: the wrap every 18 h is harmless,
 * and ids of the earlier 20-character random form are as good as these.
 */
export function timeBucket(ms: number): string {
  return (Math.floor(ms / 1000) & 0xffff).toString(16).padStart(4, '0');
}

/** A new canonical record id, prefixed by entity (`led_...`): time bucket, then 64 random bits. */
export function newRecordId(entity: string, nowMs = Date.now()): string {
  return `${PREFIX[entity] ?? 'rec'}_${timeBucket(nowMs)}${randomTail()}`;
}

/**
 * The id a record (or the customer it makes) takes when it first comes in on a page: derived from
 * the page's archive key, the entity and the record's key in its system, so a rebuild that
 * replays the archived page gives it the same id again (`src/archive/rebuild.ts`). The archive
 * key holds 48 random bits and the batch time, so no two pages share a seed. `pageMs` is the
 * page's time (from that key): the id's time bucket (`timeBucket`), then 64 bits of the hash.
 */
export function derivedRecordId(
  entity: string,
  seed: string,
  recordKey: string,
  pageMs: number,
): string {
  // One-shot `hash` (Node ≥ 20.12): a third of the cost of createHash().update().digest(), once
  // per new record of every page.
  const digest = hash('sha256', `${seed}\n${entity}\n${recordKey}`, 'hex');
  return `${PREFIX[entity] ?? 'rec'}_${timeBucket(pageMs)}${digest.slice(0, TAIL_BYTES * 2)}`;
}

/**
 * The id of a record whose identity is its natural key (a spend row's platform, ad account,
 * campaign and date, `src/canonical/spend.ts`): the same key gives the same id on every
 * connection, page and rebuild. The time bucket comes from the hash too, so the whole id is
 * the key's.
 */
export function naturalRecordId(entity: string, naturalKey: string): string {
  const digest = hash('sha256', `natural\n${entity}\n${naturalKey}`, 'hex');
  return `${PREFIX[entity] ?? 'rec'}_${digest.slice(0, 4 + TAIL_BYTES * 2)}`;
}
