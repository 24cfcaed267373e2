import { createHmac, randomBytes } from 'node:crypto';

import { validateCapiBatch, type CapiEvent } from './meta-capi.ts';
import { jsonBody, SandboxServer, type SandboxReply, type SandboxRequest } from './server.ts';

/** A lead as Graph stores it (docs/vendors.md (Meta)), with its ad context (the Lead node's fields). */
export interface SandboxLead {
  id: string;
  /** ISO with `+0000`, as lead reads answer it. */
  created_time: string;
  ad_id: string;
  ad_name: string;
  adset_id: string;
  adset_name: string;
  campaign_id: string;
  campaign_name: string;
  form_id: string;
  is_organic: boolean;
  platform: string;
  field_data: { name: string; values: string[] }[];
}

/** One insights row per campaign and day (docs/vendors.md (Meta)): `spend` is a decimal string. */
export interface SandboxInsight {
  campaign_id: string;
  campaign_name: string;
  spend: string;
  impressions: string;
  clicks: string;
  account_currency: string;
  date_start: string;
  date_stop: string;
}

/**
 * One day's insights row of a campaign as Graph answers it (`spend` in dollars), with
 * impressions and clicks made up from the cents (the sandboxes' deterministic figures).
 */
export function insightRow(
  campaign: { id: string; name: string },
  date: string,
  cents: number,
): SandboxInsight {
  return {
    campaign_id: campaign.id,
    campaign_name: campaign.name,
    spend: (cents / 100).toFixed(2),
    impressions: String(cents * 2),
    clicks: String(Math.round(cents / 80)),
    account_currency: 'USD',
    date_start: date,
    date_stop: date,
  };
}

/** Largest page Graph answers here (a `limit` above it is cut, as Graph does). */
const MAX_LIMIT = 500;

/** A Graph API error body (docs/vendors.md (Meta)): `{ error: { message, type, code, fbtrace_id } }`. */
export function graphError(status: number, code: number, message: string, subcode?: number) {
  const error = {
    message,
    type: code === 190 ? 'OAuthException' : 'GraphMethodException',
    code,
    ...(subcode ? { error_subcode: subcode } : {}),
    fbtrace_id: randomBytes(8).toString('base64url'),
  };
  return { status, body: { error } };
}

/**
 * Meta's Graph API on loopback for one Page and ad account: lead reads by id and by form
 * (`fields` honoured), forms, the Page, daily campaign insights, and the Conversions API
 * (`POST /{pixel}/events`, validated as a whole batch: one bad event refuses it, docs/vendors.md (Meta)).
 * Every call needs the access token; a wrong one answers code 190 as Graph does.
 */
export class MetaSandbox extends SandboxServer {
  readonly leads = new Map<string, SandboxLead>();
  readonly forms = new Map<string, { id: string; name: string; status: string }>();
  readonly insights: SandboxInsight[] = [];
  /** Daily insights of other ad accounts the same token reads, by account id (digits, no `act_`). */
  readonly otherAccounts = new Map<string, SandboxInsight[]>();
  /**
   * Events the Conversions API kept: the first of each (event_name, event_id) pair (Meta
   * deduplicates the pair within 48 hours, docs/vendors.md (Meta) developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/server-event).
   */
  readonly events: CapiEvent[] = [];
  /** Every event of every accepted batch as it arrived, duplicates included. */
  readonly received: CapiEvent[] = [];
  /** Called after a batch was accepted, before it is answered (a test kills its client here). */
  afterEvents: ((events: number) => Promise<void> | void) | null = null;
  /** Batches refused (whole), with the reason. */
  readonly refusedBatches: string[] = [];

  constructor(
    readonly opts: {
      accessToken: string;
      appSecret: string;
      pageId: string;
      pageName: string;
      adAccountId: string;
      pixelId: string;
      now?: () => number;
    },
  ) {
    super();
  }

  /**
   * A signed leadgen notification for some leads (docs/vendors.md (Meta)): the body Meta posts and its
   * `X-Hub-Signature-256` over the raw bytes, keyed by the App Secret.
   */
  leadgenWebhook(leadIds: string[]): { body: string; headers: Record<string, string> } {
    const changes = leadIds.map((id) => {
      const l = this.leads.get(id)!;
      const created = Math.floor(Date.parse(l.created_time.replace('+0000', 'Z')) / 1000);
      return {
        field: 'leadgen',
        value: {
          ad_id: l.ad_id,
          form_id: l.form_id,
          leadgen_id: l.id,
          created_time: created,
          page_id: this.opts.pageId,
          adgroup_id: l.ad_id,
        },
      };
    });
    const time = Math.floor((this.opts.now?.() ?? Date.now()) / 1000);
    const body = JSON.stringify({
      object: 'page',
      entry: [{ id: this.opts.pageId, time, changes }],
    });
    const sig = createHmac('sha256', this.opts.appSecret).update(body).digest('hex');
    return {
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sig}` },
    };
  }

  protected async answer(req: SandboxRequest): Promise<SandboxReply> {
    const m = /^\/(v\d{1,3}\.\d)\/(.+)$/.exec(req.path);
    if (!m) return graphError(400, 2500, `Unknown path components: ${req.path}`);
    const form = req.method === 'POST' ? formOrJson(req) : {};
    const token = req.query.get('access_token') ?? form.access_token;
    if (!token) return graphError(400, 2500, 'An active access token must be used');
    if (token !== this.opts.accessToken)
      return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    const parts = m[2]!.split('/');
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'events') {
      const reply = this.capi(parts[0]!, form);
      if (reply.status === 200) await this.afterEvents?.(this.received.length);
      return reply;
    }
    if (req.method !== 'GET') return graphError(400, 100, `Unsupported post request: ${req.path}`);
    if (parts.length === 2 && parts[1] === 'insights') return this.insightsPage(parts[0]!, req);
    if (parts.length === 2 && parts[1] === 'leads') return this.formLeads(parts[0]!, req);
    if (parts.length === 2 && parts[1] === 'leadgen_forms') return this.formList(parts[0]!);
    if (parts.length === 1) return this.node(parts[0]!, req);
    return graphError(400, 2500, `Unknown path components: /${parts.slice(1).join('/')}`);
  }

  private node(id: string, req: SandboxRequest): SandboxReply {
    const fields = req.query.get('fields')?.split(',');
    const lead = this.leads.get(id);
    if (lead) {
      if (!fields) return { status: 200, body: { id, created_time: lead.created_time } };
      const pick = Object.fromEntries(
        fields.filter((f) => f in lead).map((f) => [f, lead[f as keyof SandboxLead]]),
      );
      return { status: 200, body: pick };
    }
    const form = this.forms.get(id);
    if (form) return { status: 200, body: form };
    if (id === this.opts.pageId || id === 'me')
      return { status: 200, body: { id: this.opts.pageId, name: this.opts.pageName } };
    return graphError(
      400,
      100,
      `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
      33,
    );
  }

  private formList(pageId: string): SandboxReply {
    if (pageId !== this.opts.pageId) return graphError(400, 100, `Object ${pageId} not found`, 33);
    return { status: 200, body: { data: [...this.forms.values()], paging: {} } };
  }

  private formLeads(formId: string, req: SandboxRequest): SandboxReply {
    if (!this.forms.has(formId)) return graphError(400, 100, `Object ${formId} not found`, 33);
    const filtering = req.query.get('filtering');
    let since = 0;
    if (filtering) {
      const f = JSON.parse(filtering) as { field: string; operator: string; value: number }[];
      since = (f.find((x) => x.field === 'time_created')?.value ?? 0) * 1000;
    }
    const rows = [...this.leads.values()].filter(
      (l) => l.form_id === formId && Date.parse(l.created_time.replace('+0000', 'Z')) > since,
    );
    return paged(rows, req);
  }

  private insightsPage(account: string, req: SandboxRequest): SandboxReply {
    const insights =
      account === `act_${this.opts.adAccountId}`
        ? this.insights
        : this.otherAccounts.get(account.replace(/^act_/, ''));
    if (!insights)
      return graphError(400, 100, `Ad account ${account} not found or no ads_read permission`, 33);
    if (req.query.get('level') !== 'campaign')
      return graphError(400, 100, '(#100) this sandbox answers level=campaign only');
    if (req.query.get('time_increment') !== '1')
      return graphError(400, 100, '(#100) this sandbox answers time_increment=1 only');
    let range: { since?: string; until?: string };
    try {
      range = JSON.parse(req.query.get('time_range') ?? '') as typeof range;
    } catch {
      return graphError(400, 100, '(#100) time_range must be a JSON object {since, until}');
    }
    const day = /^\d{4}-\d{2}-\d{2}$/;
    if (!day.test(range.since ?? '') || !day.test(range.until ?? '') || range.since! > range.until!)
      return graphError(400, 100, '(#100) time_range needs since <= until as YYYY-MM-DD');
    const rows = insights
      .filter((r) => r.date_start >= range.since! && r.date_start <= range.until!)
      .sort(
        (a, b) =>
          a.date_start.localeCompare(b.date_start) || a.campaign_id.localeCompare(b.campaign_id),
      );
    const fields = req.query.get('fields')?.split(',') ?? ['spend'];
    // Graph names the account without `act_` in `account_id`.
    const accountId = account.replace(/^act_/, '');
    const shaped = rows.map((r) => ({
      ...(fields.includes('account_id') ? { account_id: accountId } : {}),
      ...Object.fromEntries(
        fields.filter((f) => f in r).map((f) => [f, r[f as keyof SandboxInsight]]),
      ),
      date_start: r.date_start,
      date_stop: r.date_stop,
    }));
    return paged(shaped, req);
  }

  private capi(pixelId: string, form: Record<string, string>): SandboxReply {
    if (pixelId !== this.opts.pixelId)
      return graphError(400, 100, `Object with ID '${pixelId}' does not exist`, 33);
    let data: unknown;
    try {
      data = typeof form.data === 'string' ? JSON.parse(form.data) : form.data;
    } catch {
      return graphError(400, 100, '(#100) param data must be an array.');
    }
    const nowS = Math.floor((this.opts.now?.() ?? Date.now()) / 1000);
    const problem = validateCapiBatch(data, nowS);
    if (problem) {
      this.refusedBatches.push(problem);
      return graphError(400, 100, `Invalid parameter: ${problem}`, 2804003);
    }
    const events = data as CapiEvent[];
    this.received.push(...events);
    const pair = (e: CapiEvent) => `${e.event_name}\u0000${e.event_id ?? ''}`;
    const kept = new Set(this.events.map(pair));
    for (const e of events) {
      if (e.event_id && kept.has(pair(e))) continue;
      kept.add(pair(e));
      this.events.push(e);
    }
    return {
      status: 200,
      body: {
        events_received: events.length,
        messages: [],
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    };
  }
}

/** `data` and `paging.cursors` (an offset as the cursor) of one page, `limit` rows at most. */
function paged(rows: unknown[], req: SandboxRequest): SandboxReply {
  const limit = Math.min(Number(req.query.get('limit') ?? 25) || 25, MAX_LIMIT);
  const after = req.query.get('after');
  const from = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(from) || from < 0) return graphError(400, 100, 'Invalid cursor: after');
  const page = rows.slice(from, from + limit);
  const cursor = (n: number) => Buffer.from(String(n), 'utf8').toString('base64url');
  const more = from + limit < rows.length;
  const paging = page.length
    ? {
        cursors: { before: cursor(from), after: cursor(from + page.length) },
        ...(more
          ? { next: `https://graph.facebook.com${req.path}?after=${cursor(from + page.length)}` }
          : {}),
      }
    : {};
  return { status: 200, body: { data: page, paging } };
}

/** A POST's parameters: a JSON body (`{data: [...]}`) or form fields (`data=<JSON string>`). */
function formOrJson(req: SandboxRequest): Record<string, string> {
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    const body = jsonBody(req);
    if (!body || typeof body !== 'object') return {};
    const b = body as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(b).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(req.raw.toString('utf8')));
}
