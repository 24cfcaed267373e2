import { Decimal } from 'decimal.js';

import type { Report, ReportRow } from '../attribution/report.ts';
import { peopleTable } from '../cli/output.ts';
import type { RunReport } from '../sync/types.ts';
import { money } from '../ui/format.ts';
import type { DemoApi } from './api-client.ts';
import type { CrmPlayed } from './crm.ts';
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
  const t = peopleTable({
    head: ['campaign', 'channel', 'spend', 'leads', 'sold', 'cost per sale', 'gross', 'ROAS'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const x of rows)
    t.push([
      nameOf(x),
      x.channel,
      money(x.spend),
      String(x.leads),
      Number(x.sold).toFixed(1),
      Number(x.spend) > 0 && x.costPerSale !== null ? money(x.costPerSale) : 'no spend',
      money(x.gross),
      x.roas === null ? '-' : Number(x.roas).toFixed(2),
    ]);
  return t.toString();
}

/** Cost per sale for sorting: campaigns without spend (lead sites, organic) come last. */
const cps = (x: ReportRow) =>
  x.costPerSale === null || Number(x.spend) === 0
    ? Number.POSITIVE_INFINITY
    : Number(x.costPerSale);

/** What one outbound conversion sync did over all its runs (from the run reports). */
export interface Sent {
  written: number;
  quarantined: number;
  failed: number;
  /** `skipped.<reason>` notes summed: conversions left out by design (e.g. Meta's 7-day limit). */
  skipped: Record<string, number>;
}

/** Sums the run reports of one outbound sync. */
export function sentBy(runs: RunReport[]): Sent {
  const out: Sent = { written: 0, quarantined: 0, failed: 0, skipped: {} };
  for (const r of runs) {
    out.written += r.counts.written;
    out.quarantined += r.counts.quarantined;
    out.failed += r.counts.failed;
    for (const [k, v] of Object.entries(r.notes ?? {}))
      if (k.startsWith('skipped.')) out.skipped[k.slice(8)] = (out.skipped[k.slice(8)] ?? 0) + v;
  }
  return out;
}

function sentLine(platform: string, s: Sent): string {
  const extra = [
    ...Object.entries(s.skipped).map(([why, n]) => `${n} skipped (${why})`),
    ...(s.quarantined ? [`${s.quarantined} quarantined`] : []),
    ...(s.failed ? [`${s.failed} failed`] : []),
  ];
  return `${platform} ${s.written} accepted${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

/** Spend per channel of the report rows (exact: the API writes money as decimal strings). */
export function spendByChannel(r: Report): string {
  const by = new Map<string, Decimal>();
  for (const row of r.rows)
    by.set(row.channel, (by.get(row.channel) ?? new Decimal(0)).plus(row.spend));
  return [...by]
    .filter(([, v]) => !v.isZero())
    .map(([ch, v]) => `${ch} ${money(v.toFixed(2))}`)
    .join(', ');
}

/** The lines printed when the demo is ready: what was played and what the hub made of it. */
export function summaryLines(
  r: Report,
  played: Played | null,
  sb: Sandboxes,
  sent: { google: Sent; meta: Sent },
  crm: CrmPlayed | null,
): string[] {
  const sold = Number(r.totals.sold);
  const unattributed = Number(r.unattributed.sold);
  const lines = [
    `Attribution ${r.from} to ${r.to} (last touch):`,
    `  leads            ${r.totals.leads}`,
    `  sales            ${sold} (${sold - unattributed} matched to a marketing touch, ${unattributed} walk-in or unmatched)`,
    `  spend            ${money(r.totals.spend)} (${spendByChannel(r)}), gross ${money(r.totals.gross)}`,
    `  leads to the CRM ${sb.crm.prospects.length} ADF documents accepted by the CRM sandbox`,
    `  conversions sent ${sentLine('Google Ads click conversions', sent.google)}`,
    `                   ${sentLine('Meta Conversions API events', sent.meta)}`,
  ];
  const e = sb.email;
  const owners = [...sb.mailchimp.members.values()].filter((m) => m.tags.has('owner')).length;
  lines.push(
    `  email            ${e.campaigns} newsletters: ${e.opens} opens, ${e.clicks} clicks, ${e.bounces} hard bounces read; ${owners} buyers tagged owner in Mailchimp`,
  );
  if (crm)
    lines.unshift(
      `Sales team in HubSpot: ${crm.calls} calls, ${crm.emails} emails, ${crm.meetings} meetings; ` +
        `${crm.appointments} deals at appointment, ${crm.shown} shown.`,
    );
  if (played)
    lines.unshift(
      `Played 90 days: ${played.metaLeads} Meta leads in ${played.metaNotifications} signed webhooks, ` +
        `${played.adfLeads} website and lead-site leads in ${played.adfDocuments} ADF posts, ` +
        `${played.sales} deals in ${played.dmsFiles} DMS files.`,
    );
  return [...lines, '', 'Top campaigns by cost per sale:', topCampaignsTable(r)];
}
