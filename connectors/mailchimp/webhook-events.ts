import { DateTime } from 'luxon';
import { z } from 'zod';

import type { SystemRecord } from '../../src/sdk/connector.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { subscriberHash } from './hash.ts';
import { parseBody } from './schemas.ts';

/**
 * Audience webhook events as Mailchimp posts them, after bracket-key parsing (docs/vendors.md).
 * subscribe/profile fields are documented; the unsubscribe/cleaned/upemail ones come from
 * third-party captures (docs/vendors.md (Mailchimp): partially UNCONFIRMED), so only `email`/`list_id` (and the
 * two addresses of upemail) are required and everything else is optional. `data[id]` is the
 * short unique email id, not the subscriber hash: the hash is computed from the address.
 */
const email = z.string().trim().min(3);
const merges = z.record(z.string(), z.unknown()).optional();
const common = { fired_at: z.string().min(1) };
const Event = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['subscribe', 'profile']),
    ...common,
    data: z.object({ id: z.string().optional(), list_id: z.string(), email, merges }),
  }),
  z.object({
    type: z.literal('unsubscribe'),
    ...common,
    data: z.object({
      list_id: z.string(),
      email,
      action: z.string().optional(),
      reason: z.string().optional(),
      campaign_id: z.string().optional(),
    }),
  }),
  z.object({
    type: z.literal('cleaned'),
    ...common,
    data: z.object({
      list_id: z.string(),
      email,
      reason: z.string().optional(),
      campaign_id: z.string().optional(),
    }),
  }),
  z.object({
    type: z.literal('upemail'),
    ...common,
    data: z.object({ list_id: z.string(), new_email: email, old_email: email }),
  }),
]);
type Event = z.output<typeof Event>;

/** Event types that carry a member change; others (campaign, unknown) are ignored. */
export const MEMBER_EVENTS = new Set(['subscribe', 'profile', 'unsubscribe', 'cleaned', 'upemail']);

/** `fired_at` ("YYYY-MM-DD HH:MM:SS", no offset) as ISO 8601 in UTC, read in `zone`. */
export function firedAt(text: string, zone: string): string {
  const sql = DateTime.fromSQL(text, { zone });
  const t = sql.isValid ? sql : DateTime.fromISO(text, { zone });
  if (!t.isValid)
    throw new PermanentError(`fired_at "${text}" is not a date-time`, 400, 'fired_at');
  return t.toUTC().toISO({ suppressMilliseconds: true })!;
}

/** Parses a member event, naming the first bad field. */
export function parseEvent(form: unknown): Event {
  return parseBody(Event, form, 'webhook');
}

const withoutEmail = (m: Record<string, unknown> | undefined) => {
  const { EMAIL: _email, ...rest } = m ?? {};
  return rest;
};

/**
 * A member event as a record of the `members` stream (the members mapping reads it):
 * subscribe → subscribed, unsubscribe → unsubscribed (`action=delete` → archived), cleaned →
 * cleaned, profile → merge fields only, upemail → the new address under the old subscriber hash
 * (the key the hub linked), so the linked customer's email changes instead of a new one appearing.
 */
export function memberOfEvent(e: Event, zone: string): SystemRecord {
  const base = { list_id: e.data.list_id, last_changed: firedAt(e.fired_at, zone), event: e.type };
  switch (e.type) {
    case 'subscribe':
    case 'profile':
      return {
        ...base,
        id: subscriberHash(e.data.email),
        email_address: e.data.email,
        ...(e.type === 'subscribe' ? { status: 'subscribed' } : {}),
        ...(e.data.id ? { unique_email_id: e.data.id } : {}),
        merge_fields: withoutEmail(e.data.merges),
      };
    case 'unsubscribe':
    case 'cleaned': {
      const status =
        e.type === 'cleaned' ? 'cleaned' : e.data.action === 'delete' ? 'archived' : 'unsubscribed';
      return {
        ...base,
        id: subscriberHash(e.data.email),
        email_address: e.data.email,
        status,
        ...(e.data.reason ? { reason: e.data.reason } : {}),
        ...(e.data.campaign_id ? { campaign_id: e.data.campaign_id } : {}),
      };
    }
    case 'upemail':
      return {
        ...base,
        id: subscriberHash(e.data.old_email),
        email_address: e.data.new_email,
        previous_email_address: e.data.old_email,
      };
  }
}
