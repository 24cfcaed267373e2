import Table from 'cli-table3';

import type { Report, ReportRow } from '../attribution/report.ts';
import type { DemoApi } from './api-client.ts';
import type { Played } from './play.ts';
import type { Sandboxes } from './sandboxes.ts';
import { CAMPAIGNS } from './story.ts';

/** Campaigns the table lists: the best by cost per sale. */
const TOP = 8;

/** The last-touch attribution report of the story's days, read through the API. */
export function readReport(api: DemoApi, from: string, to: string): Promise<Report> {
  return api.call<Report>('GET', `/reports/attribution?from=${from}&to=${to}&model=last_touch`);
}

const nameOf = (row: ReportRow) =>
  row.campaignName ??
  CAMPAIGNS.find((c) => c.id && c.id === row.campaignId)?.name ??
  row.campaignId ??
  '(none)';

/** The campaigns with sales, cheapest sale first, as a terminal table. */
export function topCampaignsTable(r: Report): string {
  const rows = r.rows
    .filter((x) => Number(x.sold) > 0)
    .sort((a, b) => cps(a) - cps(b) || Number(b.sold) - Number(a.sold))
    .slice(0, TOP);
  const t = new Table({
    head: ['campaign', 'channel', 'spend', 'leads', 'sold', 'cost per sale', 'gross', 'ROAS'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }),
  });
  for (const x of rows)
    t.push([
      nameOf(x),
      x.channel,
      `$${x.spend}`,
      String(x.leads),
      Number(x.sold).toFixed(1),
      Number(x.spend) > 0 && x.costPerSale !== null ? `$${x.costPerSale}` : 'no spend',
      `$${x.gross}`,
      x.roas === null ? '-' : Number(x.roas).toFixed(2),
    ]);
  return t.toString();
}

/** Cost per sale for sorting: campaigns without spend (lead sites, organic) come last. */
const cps = (x: ReportRow) =>
  x.costPerSale === null || Number(x.spend) === 0
    ? Number.POSITIVE_INFINITY
    : Number(x.costPerSale);

/** The lines printed when the demo is ready: what was played and what the hub made of it. */
export function summaryLines(r: Report, played: Played | null, sb: Sandboxes): string[] {
  const sold = Number(r.totals.sold);
  const unattributed = Number(r.unattributed.sold);
  const lines = [
    `Attribution ${r.from} to ${r.to} (last touch):`,
    `  leads            ${r.totals.leads}`,
    `  sales            ${sold} (${sold - unattributed} matched to a marketing touch, ${unattributed} walk-in or unmatched)`,
    `  spend            $${r.totals.spend}, gross $${r.totals.gross}`,
    `  leads to the CRM ${sb.crm.prospects.length} ADF documents accepted by the CRM sandbox`,
    `  conversions sent Meta CAPI events ${sb.meta.events.length}`,
  ];
  if (played)
    lines.unshift(
      `Played 90 days: ${played.metaLeads} Meta leads in ${played.metaNotifications} signed webhooks, ` +
        `${played.adfLeads} website and lead-site leads in ${played.adfDocuments} ADF posts, ` +
        `${played.sales} deals in ${played.dmsFiles} DMS files.`,
    );
  return [...lines, '', 'Top campaigns by cost per sale:', topCampaignsTable(r)];
}
