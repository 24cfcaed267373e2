import type { Queue } from 'bullmq';

import type { DemoApi } from './api-client.ts';
import { writeDmsExports } from './dms-export.ts';
import type { Sandboxes } from './sandboxes.ts';
import { SECRETS } from './sandboxes.ts';
import type { DemoConnections, DemoSyncs } from './setup.ts';
import type { Story, StoryLead } from './story.ts';
import { vendorAdf } from './vendor-adf.ts';

/** Leads per leadgen notification: Meta batches changes of one Page into one delivery. */
const LEADS_PER_NOTIFICATION = 20;
/** Deliveries in flight at once (a vendor's webhook sender is not one request at a time). */
const PARALLEL_DELIVERIES = 4;

/** What was played, for the summary. */
export interface Played {
  metaNotifications: number;
  metaLeads: number;
  adfLeads: number;
  adfDocuments: number;
  dmsFiles: number;
  sales: number;
}

/** Prospects per ADF document a lead site or the website posts (ADF allows `prospect+`). */
const PROSPECTS_PER_DOCUMENT = 10;

/** The ADF posts: each source's leads in time order, a few prospects per document. */
function adfDocuments(leads: StoryLead[]): StoryLead[][] {
  const bySource = new Map<string, StoryLead[]>();
  for (const l of leads) {
    const key = l.campaign.channel === 'google' ? 'website' : l.campaign.name;
    bySource.set(key, [...(bySource.get(key) ?? []), l]);
  }
  const docs: StoryLead[][] = [];
  for (const list of bySource.values())
    for (let i = 0; i < list.length; i += PROSPECTS_PER_DOCUMENT)
      docs.push(list.slice(i, i + PROSPECTS_PER_DOCUMENT));
  return docs;
}

/** Runs `work` over `items` with at most `n` at once. */
async function inParallel<T>(items: T[], n: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Plays the quarter through the real connectors: Meta signs leadgen notifications and the hub
 * reads each lead from Graph; the website and lead sites post ADF; the DMS drops its deal
 * exports into the folder and the hub reads them; the spend syncs read Meta insights and Google
 * Ads searchStream. The conversions the sales produce go out by the outbound syncs they wake.
 */
export async function playStory(
  api: DemoApi,
  sb: Sandboxes,
  story: Story,
  ids: { connections: DemoConnections; syncs: DemoSyncs },
  dmsFolder: string,
): Promise<Played> {
  const meta = story.leads.filter((l) => l.campaign.channel === 'meta');
  const batches: StoryLead[][] = [];
  for (let i = 0; i < meta.length; i += LEADS_PER_NOTIFICATION)
    batches.push(meta.slice(i, i + LEADS_PER_NOTIFICATION));
  const adf = story.leads.filter((l) => l.campaign.channel !== 'meta');
  const documents = adfDocuments(adf);
  await Promise.all([
    inParallel(batches, PARALLEL_DELIVERIES, async (batch) => {
      const { body, headers } = sb.meta.leadgenWebhook(batch.map((l) => l.id));
      await api.hook(ids.connections.meta, body, headers);
    }),
    inParallel(documents, PARALLEL_DELIVERIES, (leads) =>
      api.hook(ids.connections.vendors, vendorAdf(leads), {
        'content-type': 'application/xml',
        'x-dealerloop-token': SECRETS.adfWebhookToken,
      }),
    ),
  ]);
  const files = writeDmsExports(dmsFolder, story.sales);
  const reads = [
    'metaSpend',
    'googleSpend',
    'googleCampaigns',
    'emailActivity',
    'emailCampaigns',
    'dmsSales',
  ] as const;
  for (const sync of reads) await api.call('POST', `/syncs/${ids.syncs[sync]}/run`);
  return {
    metaNotifications: batches.length,
    metaLeads: meta.length,
    adfLeads: adf.length,
    adfDocuments: documents.length,
    dmsFiles: files.length,
    sales: story.sales.length,
  };
}

/**
 * Waits until the hub has nothing left to do: no sync job waiting, running or delayed other
 * than the schedules' next runs (a debounced webhook run is a delayed job too), and no run of
 * any sync still `running` (an outbound run streams behind the inbound one that woke it), twice
 * in a row.
 */
export async function settle(queue: Queue, api: DemoApi, syncIds: string[]): Promise<void> {
  let quiet = 0;
  while (quiet < 2) {
    await new Promise((r) => setTimeout(r, 250));
    const counts = await queue.getJobCounts('active', 'waiting', 'prioritized', 'waiting-children');
    let busy = Object.values(counts).reduce((a, b) => a + b, 0);
    busy += (await queue.getJobs(['delayed'])).filter((j) => !j.repeatJobKey).length;
    for (const id of busy ? [] : syncIds) {
      const runs = await api.call<{ items: { status: string }[] }>('GET', `/syncs/${id}/runs`);
      if (runs.items[0]?.status === 'running') busy++;
    }
    quiet = busy === 0 ? quiet + 1 : 0;
  }
}
