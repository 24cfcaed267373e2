import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { closeServer, listenLoopback } from './loopback.ts';

/** A member of the fake audience, as Mailchimp keeps it. */
export interface FakeMember {
  email_address: string;
  status: 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional';
  merge_fields: Record<string, unknown>;
  tags: Set<string>;
  last_changed: string;
}

/** One recipient's activity on a sent campaign (Mailchimp's email-activity shape, kestra.io mailchimp ListEmailActivity / GetCampaignReport). */
export interface FakeRecipientActivity {
  email_address: string;
  activity: {
    action: 'open' | 'click' | 'bounce';
    type?: string;
    timestamp: string;
    url?: string;
  }[];
}

/** A sent campaign of the audience with its recipients' activity. */
export interface FakeCampaign {
  id: string;
  send_time: string;
  /** `settings.title`: the campaign's name in Mailchimp (may be empty). */
  title?: string;
  /** `settings.subject_line`: its email's subject. */
  subject_line?: string;
  emails: FakeRecipientActivity[];
}

/** One request the fake received (body parsed as JSON when there is one). */
export interface FakeRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const MEMBER = /^\/3\.0\/lists\/([^/]+)\/members\/([^/]+)(\/tags)?$/;

/**
 * A Mailchimp Marketing API 3.0 audience on loopback, strict about the wire (docs/vendors.md (Mailchimp)): HTTP
 * Basic with the API key as password, members addressed by the MD5 of the lower-cased email
 * (any other id answers 404), tags bodies `{tags:[{name, status: active|inactive}]}` (else 400)
 * answered 204, problem+json errors. PUT upserts and POST /members creates, as Mailchimp does, so
 * a test sees any member a client adds; PATCH and the tags endpoint answer 404 for non-members.
 */
export class FakeMailchimp {
  readonly members = new Map<string, FakeMember>();
  /** Sent campaigns, read by `GET /campaigns` and `GET /reports/{id}/email-activity`. */
  readonly campaigns: FakeCampaign[] = [];
  readonly requests: FakeRequest[] = [];
  url = '';
  private server!: Server;

  constructor(
    readonly listId: string,
    private readonly apiKey: string,
  ) {}

  /** Starts on a free loopback port; `url` is then the API base (…/3.0). */
  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.url = `${await listenLoopback(this.server)}/3.0`;
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  /** Adds a member as a Mailchimp user would (hash from the lower-cased email). */
  add(email: string, status: FakeMember['status'], tags: string[] = [], at = new Date()): string {
    const hash = md5(email.toLowerCase());
    const member = { email_address: email, status, merge_fields: {}, tags: new Set(tags) };
    this.members.set(hash, { ...member, last_changed: at.toISOString() });
    return hash;
  }

  /** Requests other than reads (what a client changed). */
  writes(): FakeRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const url = new URL(req.url ?? '/', 'http://fake');
    const body: unknown = text ? JSON.parse(text) : undefined;
    const [status, answer] = this.answer(req, url, body);
    this.requests.push({ method: req.method ?? '', path: url.pathname, body, status });
    const problem = status >= 400;
    res.writeHead(status, {
      'content-type': problem ? 'application/problem+json; charset=utf-8' : 'application/json',
    });
    res.end(answer === undefined ? undefined : JSON.stringify(answer));
  }

  private answer(req: IncomingMessage, url: URL, body: unknown): [number, unknown] {
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64');
    if (!auth.toString('utf8').endsWith(`:${this.apiKey}`))
      return [401, problem(401, 'API Key Invalid', 'Your API key may be invalid.')];
    const list = `/3.0/lists/${this.listId}`;
    if (req.method === 'GET' && url.pathname === list) return [200, { id: this.listId }];
    if (req.method === 'GET' && url.pathname === `${list}/members`) return [200, this.page(url)];
    if (req.method === 'POST' && url.pathname === `${list}/members`)
      return this.upsert(md5(String((body as FakeMember).email_address).toLowerCase()), body);
    if (req.method === 'GET' && url.pathname === '/3.0/campaigns') return [200, this.sent(url)];
    const report = /^\/3\.0\/reports\/([^/]+)\/email-activity$/.exec(url.pathname);
    if (req.method === 'GET' && report) return this.activity(report[1]!, url);
    const m = MEMBER.exec(url.pathname);
    if (!m || m[1] !== this.listId) return [404, notFound()];
    const hash = m[2]!;
    if (req.method === 'PUT' && !m[3]) return this.upsert(hash, body);
    const member = this.members.get(hash);
    if (!member) return [404, notFound()];
    if (req.method === 'PATCH' && !m[3]) return this.patch(member, body);
    if (req.method === 'POST' && m[3]) return this.tag(member, body);
    return [405, problem(405, 'Method Not Allowed', `${req.method} ${url.pathname}`)];
  }

  private page(url: URL) {
    const since = url.searchParams.get('since_last_changed');
    const all = [...this.members.entries()]
      .filter(([, m]) => !since || Date.parse(m.last_changed) > Date.parse(since))
      .sort(([, a], [, b]) => a.last_changed.localeCompare(b.last_changed));
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const count = Number(url.searchParams.get('count') ?? 10);
    const members = all.slice(offset, offset + count).map(([id, m]) => ({
      ...m,
      id,
      list_id: this.listId,
      tags: [...m.tags].map((name, i) => ({ id: i + 1, name })),
    }));
    return { members, total_items: all.length };
  }

  /**
   * `GET /campaigns?list_id&status=sent&since_send_time&count&offset`, oldest first (the fake's
   * campaigns are created when sent), each with its `settings.title` and `subject_line`.
   */
  private sent(url: URL) {
    const q = url.searchParams;
    const since = q.get('since_send_time');
    const mine = q.get('list_id') === this.listId && q.get('status') === 'sent';
    const all = this.campaigns
      .filter((c) => mine && (!since || Date.parse(c.send_time) >= Date.parse(since)))
      .sort((a, b) => a.send_time.localeCompare(b.send_time));
    const { offset, count } = paging(q);
    const campaigns = all
      .slice(offset, offset + count)
      .map(({ id, send_time, title, subject_line }) => ({
        id,
        status: 'sent',
        create_time: send_time,
        send_time,
        settings: { title: title ?? '', subject_line: subject_line ?? '' },
      }));
    return { campaigns, total_items: all.length };
  }

  /** `GET /reports/{campaign_id}/email-activity?count&offset&since`: every recipient, paged. */
  private activity(id: string, url: URL): [number, unknown] {
    const c = this.campaigns.find((x) => x.id === id);
    if (!c) return [404, notFound()];
    const since = url.searchParams.get('since');
    const { offset, count } = paging(url.searchParams);
    const emails = c.emails.slice(offset, offset + count).map((e) => ({
      campaign_id: c.id,
      list_id: this.listId,
      email_id: md5(e.email_address.toLowerCase()),
      email_address: e.email_address,
      activity: e.activity.filter((a) => !since || Date.parse(a.timestamp) >= Date.parse(since)),
    }));
    return [200, { emails, campaign_id: c.id, total_items: c.emails.length }];
  }

  private upsert(hash: string, body: unknown): [number, unknown] {
    const b = body as Partial<FakeMember> & { status_if_new?: FakeMember['status'] };
    const prev = this.members.get(hash);
    const status = b.status ?? prev?.status ?? b.status_if_new ?? 'subscribed';
    this.members.set(hash, {
      email_address: String(b.email_address),
      status,
      merge_fields: { ...prev?.merge_fields, ...b.merge_fields },
      tags: prev?.tags ?? new Set(),
      last_changed: new Date().toISOString(),
    });
    return [200, { id: hash, status }];
  }

  private patch(member: FakeMember, body: unknown): [number, unknown] {
    const b = (body ?? {}) as Partial<FakeMember>;
    if (b.status) member.status = b.status;
    if (b.merge_fields) member.merge_fields = { ...member.merge_fields, ...b.merge_fields };
    if (b.email_address) member.email_address = b.email_address;
    member.last_changed = new Date().toISOString();
    return [200, { email_address: member.email_address, status: member.status }];
  }

  private tag(member: FakeMember, body: unknown): [number, unknown] {
    const tags = (body as { tags?: unknown })?.tags;
    const ok =
      Array.isArray(tags) &&
      tags.every(
        (t: { name?: unknown; status?: unknown }) =>
          typeof t.name === 'string' && (t.status === 'active' || t.status === 'inactive'),
      );
    if (!ok)
      return [
        400,
        problem(400, 'Invalid Resource', 'The resource submitted could not be validated.'),
      ];
    for (const t of tags as { name: string; status: string }[]) {
      if (t.status === 'active') member.tags.add(t.name);
      else member.tags.delete(t.name);
    }
    return [204, undefined];
  }
}

/** Mailchimp's `count` (default 10, at most 1,000) and `offset` query parameters. */
function paging(q: URLSearchParams) {
  return {
    offset: Number(q.get('offset') ?? 0),
    count: Math.min(Number(q.get('count') ?? 10), 1000),
  };
}

function problem(status: number, title: string, detail: string) {
  return { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail };
}

const notFound = () =>
  problem(404, 'Resource Not Found', 'The requested resource could not be found.');
