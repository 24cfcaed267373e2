import { z } from 'zod';

import type { ConnectorContext } from '../../src/sdk/connector.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import type { PagePosition } from '../../src/sdk/paging.ts';
import { edgeReader } from './paging.ts';
import { LeadForm, parseGraph } from './schemas.ts';
import type { MetaCredentials, MetaSettings } from './settings.ts';

/** What a Meta stream or sink receives. */
export type MetaContext = ConnectorContext<MetaSettings, MetaCredentials>;

/** A form to read leads from, with its name for the campaign context. */
export interface FormRef {
  id: string;
  name?: string;
}

const formPage = edgeReader(LeadForm);
// Forms that can hold leads: archived forms keep the leads they had, drafts and deleted ones
// have none to read (leadgen form `status` values of the Graph API LeadgenForm node).
const NO_LEADS = new Set(['DRAFT', 'DELETED']);

/**
 * The forms a lead pull reads: the `formIds` setting (each asked for its name), else every form
 * of the Page (`GET /{page_id}/leadgen_forms`, paged). Incremental pulls skip archived forms,
 * which take no new leads; backfills read them too.
 */
export async function resolveForms(ctx: MetaContext, backfill: boolean): Promise<FormRef[]> {
  const s = ctx.settings;
  if (s.formIds?.length) {
    const forms: FormRef[] = [];
    for (const id of s.formIds) {
      const res = await ctx.http.get(`/${id}`, {
        params: { fields: 'id,name,status' },
        signal: ctx.signal,
      });
      const form = parseGraph(LeadForm, res.data, `GET /${id}`);
      forms.push({ id: form.id, ...(form.name ? { name: form.name } : {}) });
    }
    return forms;
  }
  if (!s.pageId) throw new PermanentError('meta: set pageId (or formIds) to read leads');
  const forms: z.output<typeof LeadForm>[] = [];
  const request = {
    url: `/${s.pageId}/leadgen_forms`,
    params: { fields: 'id,name,status', limit: s.pageSize },
  };
  let at: PagePosition = null;
  do {
    const page = await formPage(ctx, request, at);
    forms.push(...page.body.data);
    at = page.next;
  } while (at !== null);
  return forms
    .filter((f) => !NO_LEADS.has(f.status ?? '') && (backfill || f.status !== 'ARCHIVED'))
    .map((f) => ({ id: f.id, ...(f.name ? { name: f.name } : {}) }));
}
