import type { SystemRecord } from '../../src/sdk/connector.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { AD_CONTEXT_FIELDS } from './constants.ts';
import { classifyMetaError } from './errors.ts';
import type { FormRef, MetaContext } from './forms.ts';
import { isoTime } from './lead-cursor.ts';
import { AdContext, parseGraph, type GraphLead } from './schemas.ts';

type AdNames = Pick<
  GraphLead,
  'ad_name' | 'adset_id' | 'adset_name' | 'campaign_id' | 'campaign_name'
>;

/**
 * `GET /{ad_id}?fields=id,name,adset{id,name},campaign{id,name}`: the ad's own name and its ad
 * set's and campaign's ids and names. An ad that no longer answers (deleted, or the token cannot
 * see it) gives no context rather than failing the page; throttles and auth errors still stop it.
 */
async function lookupAd(ctx: MetaContext, adId: string): Promise<AdNames> {
  try {
    const res = await ctx.http.get(`/${adId}`, {
      params: { fields: AD_CONTEXT_FIELDS },
      signal: ctx.signal,
    });
    const ad = parseGraph(AdContext, res.data, `GET /${adId}`);
    return {
      ad_name: ad.name,
      adset_id: ad.adset?.id,
      adset_name: ad.adset?.name,
      campaign_id: ad.campaign?.id,
      campaign_name: ad.campaign?.name,
    };
  } catch (err) {
    const e = classifyMetaError(err);
    if (!(e instanceof PermanentError)) throw e;
    ctx.log.warn({ adId, reason: e.message }, 'meta: ad context unavailable');
    return {};
  }
}

const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * Presents Graph leads as hub records: `created_time` as ISO 8601 with a colon offset, the form's
 * id and name, the Page id, and the campaign context the `campaignContext` setting asks for
 * (read on the lead itself for `lead-fields`; one lookup per distinct ad for `ad-lookup`).
 * `field_data` stays as Graph sends it, so mappings filter it by question name.
 */
export async function presentLeads(
  ctx: MetaContext,
  leads: GraphLead[],
  formOf: (lead: GraphLead) => FormRef | undefined,
): Promise<SystemRecord[]> {
  const ads = new Map<string, AdNames>();
  if (ctx.settings.campaignContext === 'ad-lookup') {
    for (const id of new Set(leads.map((l) => l.ad_id).filter((x): x is string => !!x)))
      ads.set(id, await lookupAd(ctx, id));
  }
  return leads.map((lead) => {
    const form = formOf(lead);
    return defined({
      ...lead,
      ...(lead.ad_id ? ads.get(lead.ad_id) : {}),
      created_time: isoTime(lead.created_time),
      form_id: lead.form_id ?? form?.id,
      form_name: form?.name,
      page_id: ctx.settings.pageId,
    });
  });
}
