import type { HubSpotPortal } from '../sandbox/hubspot/portal.ts';
import type { DemoApi } from './api-client.ts';
import { moveDeals, workLeads, type CrmPlayed } from './crm.ts';
import type { DemoSyncs } from './setup.ts';
import type { Story } from './story.ts';

export type { CrmPlayed };

/**
 * Waits until the hub has written every lead's person into HubSpot (the salespeople work leads
 * from there), while the rest of the hub carries on; gives up after `ms`.
 */
export async function leadsInHubSpot(portal: HubSpotPortal, story: Story, ms = 120_000) {
  const emails = new Set(story.leads.map((l) => l.person.email.toLowerCase()));
  const end = Date.now() + ms;
  while ((portal.objects.get('contacts')?.length ?? 0) < emails.size) {
    if (Date.now() > end) throw new Error('the leads did not reach the HubSpot sandbox in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Plays the sales team once the hub has written the leads into HubSpot: calls, emails, meetings
 * and deals at appointment are read by the engagements and deals syncs; then the deals that
 * showed move on and the deals sync reads them again (a backfill: their changes are dated in the
 * past, behind the cursor of the first read). `settle` waits until the hub is quiet.
 */
export async function playCrm(
  api: DemoApi,
  portal: HubSpotPortal,
  story: Story,
  syncs: DemoSyncs,
  settle: () => Promise<void>,
): Promise<CrmPlayed> {
  const { played, deals } = workLeads(portal, story);
  moveDeals(portal, deals, 1, story.now);
  await api.call('POST', `/syncs/${syncs.hubspotEngagements}/run`);
  await api.call('POST', `/syncs/${syncs.hubspotDeals}/run`);
  await settle();
  moveDeals(portal, deals, 2, story.now);
  await api.call('POST', `/syncs/${syncs.hubspotDeals}/backfill`);
  await settle();
  return played;
}
