import type { MailchimpSettings } from './settings.ts';

/** Mailchimp tag names of the lifecycle stages. */
export type LifecycleTags = MailchimpSettings['lifecycleTags'];

/** A lifecycle stage as the hub knows it (canonical customer `type`). */
export type Lifecycle = 'prospect' | 'owner';

/**
 * One change of `POST /lists/{id}/members/{hash}/tags`. Lower-case `active`/`inactive`:
 * the vendor notes we began from left the case UNCONFIRMED; recorded Mailchimp traffic (grouparoo's nock fixtures,
 * answered 204) uses lower case, so this connector sends lower case.
 */
export interface TagUpdate {
  name: string;
  status: 'active' | 'inactive';
}

/**
 * How a member's tag names read in the hub: the prospect/owner tags become `lifecycle` (owner
 * wins when both are set), the service tag reads as the canonical tag `service`, the other tags
 * stay as they are. Sorted, so the same tags always compare equal.
 */
export function readTags(
  names: readonly string[],
  t: LifecycleTags,
): { lifecycle?: Lifecycle; tags: string[] } {
  const has = new Set(names);
  const lifecycle = has.has(t.owner) ? 'owner' : has.has(t.prospect) ? 'prospect' : undefined;
  const tags = names
    .filter((n) => n !== t.owner && n !== t.prospect)
    .map((n) => (n === t.service ? 'service' : n))
    .sort();
  return { ...(lifecycle ? { lifecycle } : {}), tags };
}

/**
 * The tag changes that bring a member in line with the hub: the lifecycle tag of the stage goes
 * active and the other inactive (a sale moves a prospect to owner, so prospect drips stop);
 * free tags (canonical `service` as the service tag) only ever go active — removing a tag is left
 * to Mailchimp users. Empty when there is nothing to set.
 */
export function tagUpdates(
  lifecycle: Lifecycle | undefined,
  tags: readonly string[],
  t: LifecycleTags,
): TagUpdate[] {
  const out = new Map<string, TagUpdate['status']>();
  for (const tag of tags) {
    const name = tag === 'service' ? t.service : tag;
    if (name !== t.owner && name !== t.prospect) out.set(name, 'active');
  }
  if (lifecycle) {
    out.set(t[lifecycle], 'active');
    out.set(t[lifecycle === 'owner' ? 'prospect' : 'owner'], 'inactive');
  }
  return [...out].map(([name, status]) => ({ name, status }));
}
