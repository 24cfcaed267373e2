import { randomUUID } from 'node:crypto';

const PREFIX: Record<string, string> = {
  customer: 'cus',
  lead: 'led',
  touchpoint: 'tch',
  sale: 'sal',
  activity: 'act',
  campaign: 'cmp',
  spend: 'spd',
};

/** 80 random bits as 20 hex characters; randomUUID draws from a cached entropy pool (fast per call). */
export const randomId = () => randomUUID().replace(/-/g, '').slice(0, 20);

/** A new canonical record id, prefixed by entity (`led_...`). */
export function newRecordId(entity: string): string {
  return `${PREFIX[entity] ?? 'rec'}_${randomId()}`;
}
