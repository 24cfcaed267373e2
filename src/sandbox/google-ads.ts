import { randomBytes } from 'node:crypto';

import {
  MAX_CONVERSIONS_PER_REQUEST,
  REQUEST_FIELDS,
  rowError,
  unknownFields,
  type AcceptedConversion,
  type RowError,
} from './google-ads-upload.ts';
import { jsonBody, SandboxServer, type SandboxReply, type SandboxRequest } from './server.ts';

/** Rows per searchStream batch (Google streams results in batches of up to 10,000 rows). */
const STREAM_BATCH_ROWS = 10_000;
/** Lifetime of an issued access token (Google's are an hour). */
const TOKEN_SECONDS = 3599;

/** One day of one campaign's cost, as GAQL reads it. */
export interface SandboxCampaignDay {
  campaignId: string;
  campaignName: string;
  date: string;
  costMicros: string;
}

/** The account the sandbox plays and the OAuth client it trusts. */
export interface GoogleAdsAccount {
  customerId: string;
  /** Manager account calls go through (login-customer-id), if any. */
  managerId?: string;
  developerToken: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  conversionActionIds: string[];
}

const requestId = () => randomBytes(11).toString('base64url');

/** An RPC-level error: `{ error: { code, message, status, details: [GoogleAdsFailure] } }`. */
function rpcError(http: number, status: string, errors: RowError[], version = 'v22'): SandboxReply {
  return {
    status: http,
    body: {
      error: {
        code: http,
        message: errors[0]?.message ?? status,
        status,
        details: [
          {
            '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
            errors,
            requestId: requestId(),
          },
        ],
      },
    },
  };
}

/**
 * Google Ads on loopback (docs/vendors.md (Google Ads)): the OAuth token endpoint (refresh-token grant,
 * form-encoded), `customers/{id}:uploadClickConversions` with partial failure (rows checked
 * against the account's clicks, actions and order ids; a failed row leaves `{}` in `results`),
 * and `googleAds:searchStream` for campaign cost by day (an array of batches, int64 as strings).
 */
export class GoogleAdsSandbox extends SandboxServer {
  /** gclid → click time (ms): the clicks the account's campaigns got. */
  readonly clicks = new Map<string, number>();
  readonly days: SandboxCampaignDay[] = [];
  readonly conversions: AcceptedConversion[] = [];
  /** Rows refused, with their error code. */
  readonly refusedRows: string[] = [];
  /**
   * Every conversion row of every well-formed upload, as it arrived (accepted, refused and
   * duplicates alike): what a test counts to see that nothing was sent twice.
   */
  readonly received: Record<string, unknown>[] = [];
  /** Called after an upload was applied, before it is answered (a test kills its client here). */
  afterUpload: ((rows: number) => Promise<void> | void) | null = null;
  private readonly orders = new Set<string>();
  private readonly tokens = new Map<string, number>();

  constructor(readonly account: GoogleAdsAccount) {
    super();
  }

  protected async answer(req: SandboxRequest): Promise<SandboxReply> {
    if (req.method === 'POST' && req.path === '/token') return this.token(req);
    const m =
      /^\/(v\d{2,3})\/customers\/([^/:]+)(:uploadClickConversions|\/googleAds:searchStream)$/.exec(
        req.path,
      );
    if (!m || req.method !== 'POST')
      return {
        status: 404,
        body: { error: { code: 404, message: `${req.path} not found`, status: 'NOT_FOUND' } },
      };
    const [, version, customerId, method] = m as unknown as [string, string, string, string];
    const denied = this.authProblem(req, customerId, version);
    if (denied) return denied;
    // REST calls are JSON (docs/vendors.md (Google Ads): Content-Type application/json).
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return rpcError(
        400,
        'INVALID_ARGUMENT',
        [{ errorCode: { requestError: 'INVALID_INPUT' }, message: 'Content-Type must be JSON.' }],
        version,
      );
    const body = jsonBody(req);
    if (!body || typeof body !== 'object')
      return rpcError(
        400,
        'INVALID_ARGUMENT',
        [{ errorCode: { requestError: 'INVALID_INPUT' }, message: 'The body is not JSON.' }],
        version,
      );
    if (method !== ':uploadClickConversions')
      return this.searchStream(body as Record<string, unknown>, version);
    const reply = this.upload(body as Record<string, unknown>, version);
    const rows = (body as { conversions?: unknown[] }).conversions?.length ?? 0;
    if (reply.status === 200) await this.afterUpload?.(rows);
    return reply;
  }

  /** `POST /token`, grant_type=refresh_token (Google's OAuth token endpoint, docs/vendors.md (Google Ads)). */
  private token(req: SandboxRequest): SandboxReply {
    const type = String(req.headers['content-type'] ?? '');
    const p = type.includes('application/json')
      ? new Map(Object.entries((jsonBody(req) ?? {}) as Record<string, string>))
      : new Map(new URLSearchParams(req.raw.toString('utf8')));
    const a = this.account;
    if (p.get('grant_type') !== 'refresh_token')
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' },
      };
    if (p.get('client_id') !== a.clientId || p.get('client_secret') !== a.clientSecret)
      return { status: 401, body: { error: 'invalid_client', error_description: 'Unauthorized' } };
    if (p.get('refresh_token') !== a.refreshToken)
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
    const token = `ya29.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, Date.now() + TOKEN_SECONDS * 1000);
    return {
      status: 200,
      body: {
        access_token: token,
        expires_in: TOKEN_SECONDS,
        scope: 'https://www.googleapis.com/auth/adwords',
        token_type: 'Bearer',
      },
    };
  }

  private authProblem(
    req: SandboxRequest,
    customerId: string,
    version: string,
  ): SandboxReply | null {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const expires = bearer ? this.tokens.get(bearer) : undefined;
    if (!expires || expires < Date.now())
      return rpcError(
        401,
        'UNAUTHENTICATED',
        [
          {
            errorCode: { authenticationError: 'OAUTH_TOKEN_INVALID' },
            message: 'Request had invalid authentication credentials.',
          },
        ],
        version,
      );
    if (req.headers['developer-token'] !== this.account.developerToken)
      return rpcError(
        401,
        'UNAUTHENTICATED',
        [
          {
            errorCode: { authenticationError: 'DEVELOPER_TOKEN_INVALID' },
            message: 'The developer token is not valid.',
          },
        ],
        version,
      );
    if (!/^\d{10}$/.test(customerId))
      return rpcError(
        400,
        'INVALID_ARGUMENT',
        [
          {
            errorCode: { requestError: 'INVALID_CUSTOMER_ID' },
            message: 'Customer id must be 10 digits without dashes.',
          },
        ],
        version,
      );
    const login = req.headers['login-customer-id'];
    const manager = this.account.managerId;
    if (
      customerId !== this.account.customerId ||
      (manager && login !== manager) ||
      (login && login !== manager)
    )
      return rpcError(
        403,
        'PERMISSION_DENIED',
        [
          {
            errorCode: { authorizationError: 'USER_PERMISSION_DENIED' },
            message: 'The caller does not have permission: check login-customer-id.',
          },
        ],
        version,
      );
    return null;
  }

  private upload(body: Record<string, unknown>, version: string): SandboxReply {
    const stray = Object.keys(body).filter((k) => !REQUEST_FIELDS.has(k));
    if (stray.length)
      return rpcError(
        400,
        'INVALID_ARGUMENT',
        [
          {
            errorCode: { requestError: 'UNKNOWN_FIELD' },
            message: `Invalid JSON payload received. Unknown name "${stray[0]}".`,
          },
        ],
        version,
      );
    if (body.partialFailure !== true)
      return rpcError(
        400,
        'INVALID_ARGUMENT',
        [
          {
            errorCode: { requestError: 'INVALID_INPUT' },
            message:
              'Partial failure mode is required for this method: set partialFailure to true.',
          },
        ],
        version,
      );
    const list = body.conversions;
    if (!Array.isArray(list) || !list.length)
      return rpcError(
        400,
        'INVALID_ARGUMENT',
        [
          {
            errorCode: { requestError: 'REQUIRED_FIELD_MISSING' },
            message: 'conversions is required.',
          },
        ],
        version,
      );
    if (list.length > MAX_CONVERSIONS_PER_REQUEST)
      return rpcError(
        400,
        'INVALID_ARGUMENT',
        [
          {
            errorCode: { conversionUploadError: 'TOO_MANY_CONVERSIONS_IN_REQUEST' },
            message: `Upload fewer than ${MAX_CONVERSIONS_PER_REQUEST + 1} events in a single request.`,
          },
        ],
        version,
      );
    for (const c of list as Record<string, unknown>[]) {
      const unknown = unknownFields(c);
      if (unknown.length)
        return rpcError(
          400,
          'INVALID_ARGUMENT',
          [
            {
              errorCode: { requestError: 'UNKNOWN_FIELD' },
              message: `Invalid JSON payload received. Unknown name "${unknown[0]}" at 'conversions[0]'.`,
            },
          ],
          version,
        );
    }
    return this.uploadRows(list as Record<string, unknown>[], body.validateOnly === true, version);
  }

  private uploadRows(
    list: Record<string, unknown>[],
    validateOnly: boolean,
    version: string,
  ): SandboxReply {
    const ctx = {
      customerId: this.account.customerId,
      actions: new Set(this.account.conversionActionIds),
      clicks: this.clicks,
      orders: this.orders,
    };
    const seen = new Set<string>();
    if (!validateOnly) this.received.push(...list);
    const errors: (RowError & { location: unknown })[] = [];
    const results = list.map((c, index) => {
      const e = rowError(c, ctx, seen);
      if (e) {
        this.refusedRows.push(Object.values(e.errorCode)[0]!);
        errors.push({
          ...e,
          location: { fieldPathElements: [{ fieldName: 'conversions', index }] },
        });
        return {};
      }
      return {
        gclid: c.gclid,
        conversionAction: c.conversionAction,
        conversionDateTime: c.conversionDateTime,
      };
    });
    if (!validateOnly)
      list.forEach((c, i) => {
        if (!Object.keys(results[i]!).length) return;
        if (typeof c.orderId === 'string')
          this.orders.add(`${String(c.conversionAction).split('/').at(-1)}|${c.orderId}`);
        this.conversions.push({
          ...(typeof c.gclid === 'string' ? { gclid: c.gclid } : {}),
          ...(typeof c.orderId === 'string' ? { orderId: c.orderId } : {}),
          conversionAction: String(c.conversionAction),
          conversionDateTime: String(c.conversionDateTime),
          ...(typeof c.conversionValue === 'number' ? { conversionValue: c.conversionValue } : {}),
          ...(typeof c.currencyCode === 'string' ? { currencyCode: c.currencyCode } : {}),
          enhanced: c.gclid === undefined,
        });
      });
    const failure = errors.length
      ? (rpcError(400, 'INVALID_ARGUMENT', errors, version).body as {
          error: Record<string, unknown>;
        })
      : null;
    return {
      status: 200,
      body: {
        ...(validateOnly ? {} : { results }),
        ...(failure
          ? {
              partialFailureError: {
                code: 3,
                message: errors[0]!.message,
                details: failure.error.details,
              },
            }
          : {}),
        jobId: String(2 ** 31 + this.conversions.length),
      },
    };
  }

  private searchStream(body: Record<string, unknown>, version: string): SandboxReply {
    const q = typeof body.query === 'string' ? body.query : '';
    const refuse = (code: string, message: string) =>
      rpcError(400, 'INVALID_ARGUMENT', [{ errorCode: { queryError: code }, message }], version);
    if (/^\s*SELECT\s+[\w., ]+\s+FROM\s+customer(\s+LIMIT\s+1)?\s*$/i.test(q))
      return { status: 200, body: [this.batch([this.customerRow()], CUSTOMER_FIELDS)] };
    const m = CAMPAIGN_QUERY.exec(q);
    if (!m)
      return refuse(
        'UNEXPECTED_END_OF_QUERY',
        "This sandbox reads SELECT ... FROM campaign WHERE segments.date BETWEEN 'YYYY-MM-DD' AND 'YYYY-MM-DD'.",
      );
    const fields = m[1]!.split(',').map((f) => f.trim());
    const bad = fields.find((f) => !CAMPAIGN_FIELDS.includes(f));
    if (bad) return refuse('UNRECOGNIZED_FIELD', `Unrecognized field in the query: '${bad}'.`);
    const rows = this.days
      .filter((d) => d.date >= m[2]! && d.date <= m[3]!)
      .map((d) => this.row(d, fields));
    const batches = [];
    for (let i = 0; i === 0 || i < rows.length; i += STREAM_BATCH_ROWS)
      batches.push(this.batch(rows.slice(i, i + STREAM_BATCH_ROWS), fields));
    return { status: 200, body: batches };
  }

  /** One batch of a searchStream answer (docs/vendors.md (Google Ads)). */
  private batch(results: unknown[], fields: string[]) {
    const camel = (f: string) => f.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    return {
      results,
      fieldMask: fields.map(camel).join(','),
      requestId: requestId(),
      queryResourceConsumption: String(results.length * 10),
    };
  }

  /** A GoogleAdsRow in proto3 JSON: camelCase, int64 as strings, only what was selected. */
  private row(d: SandboxCampaignDay, fields: string[]): Record<string, unknown> {
    const has = (f: string) => fields.includes(f);
    const micros = Number(d.costMicros);
    return {
      campaign: {
        resourceName: `customers/${this.account.customerId}/campaigns/${d.campaignId}`,
        ...(has('campaign.id') ? { id: d.campaignId } : {}),
        ...(has('campaign.name') ? { name: d.campaignName } : {}),
      },
      metrics: {
        ...(has('metrics.cost_micros') ? { costMicros: d.costMicros } : {}),
        ...(has('metrics.impressions') ? { impressions: String(Math.round(micros / 5e3)) } : {}),
        ...(has('metrics.clicks') ? { clicks: String(Math.round(micros / 2.5e6)) } : {}),
      },
      ...(has('customer.currency_code')
        ? {
            customer: { resourceName: `customers/${this.account.customerId}`, currencyCode: 'USD' },
          }
        : {}),
      ...(has('segments.date') ? { segments: { date: d.date } } : {}),
    };
  }

  /** The account itself (`FROM customer`), as a connection test reads it. */
  private customerRow(): Record<string, unknown> {
    const id = this.account.customerId;
    return {
      customer: {
        resourceName: `customers/${id}`,
        id,
        timeZone: 'America/Chicago',
        currencyCode: 'USD',
      },
    };
  }
}

/** The campaign cost query the sandbox answers (docs/vendors.md (Google Ads)). */
const CAMPAIGN_QUERY =
  /^\s*SELECT\s+(.+?)\s+FROM\s+campaign\s+WHERE\s+segments\.date\s+BETWEEN\s+'(\d{4}-\d{2}-\d{2})'\s+AND\s+'(\d{4}-\d{2}-\d{2})'\s*(ORDER BY [\w., ]+)?\s*$/is;
/** GAQL fields the sandbox's campaign rows carry. */
const CAMPAIGN_FIELDS = [
  'campaign.id',
  'campaign.name',
  'campaign.resource_name',
  'segments.date',
  'metrics.cost_micros',
  'metrics.impressions',
  'metrics.clicks',
  'customer.currency_code',
];
/** Fields of the `FROM customer` answer. */
const CUSTOMER_FIELDS = ['customer.id', 'customer.time_zone', 'customer.currency_code'];
