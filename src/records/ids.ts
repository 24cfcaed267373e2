import { randomFillSync } from 'node:crypto';

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
