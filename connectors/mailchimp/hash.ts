import { createHash } from 'node:crypto';

/**
 * A member's id in an audience: the MD5 hex of the lower-cased email address (kestra.io mailchimp UpsertMember, hexdocs.pm/mailchimp Mailchimp.Member).
 * @example subscriberHash('Jane@Example.com') // md5('jane@example.com')
 */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** Path of a member of `listId`. */
export function memberPath(listId: string, hash: string): string {
  return `/lists/${encodeURIComponent(listId)}/members/${hash}`;
}
