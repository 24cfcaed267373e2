import { randomBytes } from 'node:crypto';

const PREFIX: Record<string, string> = {
  customer: 'cus',
  lead: 'led',
  touchpoint: 'tch',
  sale: 'sal',
  activity: 'act',
  campaign: 'cmp',
  spend: 'spd',
};

/** A new canonical record id, prefixed by entity (`led_...`). */
export function newRecordId(entity: string): string {
  return `${PREFIX[entity] ?? 'rec'}_${randomBytes(9).toString('base64url')}`;
}
