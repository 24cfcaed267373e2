import { namesOfCampaigns } from '../attribution/campaign-names.ts';
import { campaignNames } from '../attribution/funnel.ts';
import type { Hub } from '../hub.ts';
import type { StoredRecord } from '../records/merge.ts';
import { RecordStore } from '../records/record-store.ts';

/**
 * Campaign id → the name people know it by, as the API's report names it: the platform's campaign
 * record (Google Ads, Meta, Mailchimp titles), else the newest of `leads` naming it (lead sites).
 */
export async function campaignLabels(
  hub: Hub,
  tenantId: string,
  leads: readonly StoredRecord[] = [],
): Promise<Map<string, string>> {
  const names = await namesOfCampaigns(new RecordStore(hub.redis, hub.keys), tenantId);
  for (const [id, name] of campaignNames(leads)) if (!names.has(id)) names.set(id, name);
  return names;
}

/** A campaign as a reader sees it: `Name (id)`, just the name when it is the id, else the id. */
export function campaignLabel(id: string | null, name?: string | null): string {
  if (!id) return name ?? '(none)';
  return name && name !== id ? `${name} (${id})` : id;
}
