import { z } from 'zod';

import type { SinkResult, SystemRecord } from '../../src/sdk/connector.ts';
import { subscriberHash } from './hash.ts';
import { MEMBER_STATUSES, type MailchimpSettings } from './settings.ts';
import { tagUpdates, type TagUpdate } from './tags.ts';

/**
 * A member as the members mapping writes it. Keys other than these go into the PUT body as
 * they are (language, vip, interests… when a mapping adds them).
 */
const SinkMember = z.looseObject({
  email_address: z
    .string()
    .trim()
    .regex(/^[^\s@]+@[^\s@]+$/, 'is not an email address'),
  status: z.enum([...MEMBER_STATUSES, 'archived']).optional(),
  merge_fields: z.record(z.string(), z.unknown()).optional(),
  lifecycle: z.enum(['prospect', 'owner']).optional(),
  tags: z.array(z.string()).optional(),
});

/**
 * Parts of the ADDRESS merge field Mailchimp requires; a partial address fails the whole member
 * with 400 "Your merge fields were invalid". Decision (the required parts are not in docs/vendors.md):
 * a partial address is left out so the rest of the member is still written, and said so in the
 * run's notes (`leftOut.partialAddress`).
 */
const ADDRESS_REQUIRED = ['addr1', 'city', 'state', 'zip'] as const;

/** Why a part of a member was left out (`SinkResult.leftOut`): an ADDRESS missing a required part. */
export const PARTIAL_ADDRESS = 'partialAddress';

/**
 * One member update: where, the PATCH body (null when there is nothing but tags to change), and
 * the tag changes that follow it.
 */
export interface MemberWrite {
  hash: string;
  body: Record<string, unknown> | null;
  tags: TagUpdate[];
  /** What of the record is not sent (`SinkResult.leftOut`), e.g. a partial address. */
  leftOut: string[];
}

/** Whether merge fields carry an ADDRESS Mailchimp would refuse (a required part missing). */
function partialAddress(fields: Record<string, unknown> | undefined): boolean {
  const address = fields?.ADDRESS as Record<string, unknown> | undefined;
  return address !== undefined && !ADDRESS_REQUIRED.every((k) => address?.[k]);
}

function mergeFieldsOf(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = { ...fields };
  if (partialAddress(fields)) delete out.ADDRESS;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The member as this sink sends it (`SinkDef.sent`): a partial ADDRESS left out, as `memberWrite`
 * leaves it out, so the hub's destination hash covers what Mailchimp can have. Without it a
 * member whose address the hub knows only in part (a postal code and country) never hashed equal
 * to the member read back, and was sent the same PATCH and tags every run.
 */
export function sentMember(record: SystemRecord): SystemRecord {
  if (!isObject(record.merge_fields) || !('ADDRESS' in record.merge_fields)) return record;
  const { merge_fields: fields, ...rest } = record;
  const kept = mergeFieldsOf(fields);
  return Object.keys(kept).length ? { ...rest, merge_fields: kept } : rest;
}

/**
 * Turns a mapped record into an update of an existing member,
 * `PATCH /lists/{id}/members/{md5(lower(email))}`, then its tag changes. Never an upsert: the hub
 * never adds anyone to a marketing list (shared/CLOSED-LOOP.md, "Email tools"), so no PUT and no
 * `status_if_new`; PATCH only alters a member that exists (Mailchimp answers 404 "Resource Not
 * Found" otherwise; Jhut89/Mailchimp-API-3.0-PHP wiki "Patch & Put Requests"). `status` is sent
 * only to propagate an unsubscribe (`enforceStatuses`): a subscribe, pending or any other status
 * from another system never re-subscribes or overwrites an unsubscribed or cleaned member.
 * `email_address` is not sent (the hash names the member; sending it would rename it). Tags go
 * through the tags endpoint (whether PUT/PATCH `tags` apply to existing members is UNCONFIRMED,
 * docs/vendors.md (Mailchimp)). An invalid record is a failure result.
 */
export function memberWrite(record: SystemRecord, s: MailchimpSettings): MemberWrite | SinkResult {
  const r = SinkMember.safeParse(record);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(record)';
    return { ok: false, retryable: false, reason: `${field} ${issue.message}`, field };
  }
  const { email_address, status, merge_fields, lifecycle, tags, ...rest } = r.data;
  // `archived` is a read-only state: written back, it means "no longer receives marketing".
  const wanted = status === 'archived' ? 'unsubscribed' : status;
  const body: Record<string, unknown> = { ...rest };
  if (wanted === 'unsubscribed' && s.enforceStatuses.includes(wanted)) body.status = wanted;
  const fields = mergeFieldsOf(merge_fields);
  if (Object.keys(fields).length) body.merge_fields = fields;
  return {
    hash: subscriberHash(email_address),
    body: Object.keys(body).length ? body : null,
    tags: tagUpdates(lifecycle, tags ?? [], s.lifecycleTags),
    leftOut: partialAddress(merge_fields) ? [PARTIAL_ADDRESS] : [],
  };
}

/** True for a prepared write, false for a failure result. */
export function isWrite(w: MemberWrite | SinkResult): w is MemberWrite {
  return 'hash' in w;
}
