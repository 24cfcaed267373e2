import type { StreamDef, StreamPage, SystemRecord } from '../../src/sdk/connector.ts';
import { LEAD_AD_CONTEXT_FIELDS, LEAD_FIELDS } from './constants.ts';
import { presentLeads } from './campaign-context.ts';
import { resolveForms, type FormRef, type MetaContext } from './forms.ts';
import { leadCursor, parseLeadCursor, timeMs, type LeadRun } from './lead-cursor.ts';
import { edgeReader } from './paging.ts';
import { GraphLead, LeadForm, parseGraph } from './schemas.ts';
import type { MetaCredentials, MetaSettings } from './settings.ts';

const leadPage = edgeReader(GraphLead);

/** The `fields` of a lead read: the ad context too when `campaignContext` is `lead-fields`. */
export function leadFields(ctx: MetaContext): string {
  const extra = ctx.settings.campaignContext === 'lead-fields' ? LEAD_AD_CONTEXT_FIELDS : [];
  return [...LEAD_FIELDS, ...extra].join(',');
}

/**
 * One page of leads created since the cursor: `GET /{form_id}/leads` for each form in turn,
 * following `after` cursors. The `filtering=[{field:time_created,operator:GREATER_THAN}]`
 * parameter (unconfirmed by the vendor) appears in Meta's own generated SDK examples
 * (facebook/facebook-ruby-business-sdk, "ad.leads(filtering: [{'field':'time_created',
 * 'operator':'GREATER_THAN',...}])") and in public integrations on `/{form_id}/leads`; it is used
 * when `serverSideFilter` is on and every lead is filtered again here, so a Graph version that
 * ignored it would cost calls, never leads. Re-reading `overlapSeconds` before the cursor catches
 * late leads; the re-read ones map to unchanged records.
 */
export async function readLeads(ctx: MetaContext, cursor: string | null): Promise<StreamPage> {
  const s = ctx.settings;
  const state = parseLeadCursor(cursor, s.backfillDays);
  const run: LeadRun = state.run ?? {
    forms: await resolveForms(ctx, state.backfill),
    form: 0,
    newest: state.since,
    backfill: state.backfill,
  };
  const form = run.forms[run.form];
  if (!form)
    return { records: [], nextCursor: leadCursor.encode({ since: run.newest }), hasMore: false };

  const sinceMs = timeMs(state.since) - s.overlapSeconds * 1000;
  const filtering = [
    { field: 'time_created', operator: 'GREATER_THAN', value: Math.floor(sinceMs / 1000) },
  ];
  const request = {
    url: `/${form.id}/leads`,
    params: {
      fields: leadFields(ctx),
      limit: s.pageSize,
      ...(s.serverSideFilter ? { filtering: JSON.stringify(filtering) } : {}),
    },
  };
  const page = await leadPage(ctx, request, run.after ?? null);
  const fresh = page.body.data.filter((l) => timeMs(l.created_time) > sinceMs);
  const records = await presentLeads(ctx, fresh, () => form);

  let newest = run.newest;
  for (const l of fresh)
    if (timeMs(l.created_time) > Date.parse(newest))
      newest = new Date(timeMs(l.created_time)).toISOString();
  const after = page.next === null ? null : String(page.next);
  const next: LeadRun = after
    ? { ...run, after, newest }
    : { forms: run.forms, form: run.form + 1, newest, backfill: run.backfill };
  if (next.form >= next.forms.length)
    return { records, nextCursor: leadCursor.encode({ since: newest }), hasMore: false };
  return {
    records,
    nextCursor: leadCursor.encode({ since: state.since, run: next }),
    hasMore: true,
  };
}

/**
 * Reads leads by their leadgen ids (`GET /{leadgen_id}?fields=...`, docs/vendors.md (Meta)), with the same
 * presentation as the stream. A lead whose form name is wanted costs one `GET /{form_id}` per
 * distinct form.
 */
export async function readLeadsByIds(ctx: MetaContext, ids: string[]): Promise<SystemRecord[]> {
  const leads = [];
  for (const id of ids) {
    const res = await ctx.http.get(`/${encodeURIComponent(id)}`, {
      params: { fields: leadFields(ctx) },
      signal: ctx.signal,
    });
    leads.push(parseGraph(GraphLead, res.data, `GET /${id}`));
  }
  const forms = new Map<string, FormRef>();
  for (const formId of new Set(leads.map((l) => l.form_id).filter((x): x is string => !!x))) {
    const res = await ctx.http.get(`/${formId}`, {
      params: { fields: 'id,name' },
      signal: ctx.signal,
    });
    const form = parseGraph(LeadForm, res.data, `GET /${formId}`);
    forms.set(formId, { id: form.id, ...(form.name ? { name: form.name } : {}) });
  }
  return presentLeads(ctx, leads, (l) => (l.form_id ? forms.get(l.form_id) : undefined));
}

/**
 * The `leads` stream: pages of leads since the cursor, and leads by id for the webhook's `fetch`
 * outcome (a lead Meta announces is read at once, also when it was created before the cursor).
 */
export const leadsStream: StreamDef<MetaSettings, MetaCredentials> = {
  description: 'Lead Ads leads (answers in field_data, with form and campaign context)',
  read: readLeads,
  readByIds: readLeadsByIds,
};
