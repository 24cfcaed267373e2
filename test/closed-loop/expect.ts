import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';

import type { ResponseStats } from '../../src/attribution/response-time.ts';
import { MODELS, type Model } from '../../src/attribution/types.ts';
import { dateOfMs, type World, type WorldSale } from './fixture.ts';

/**
 * CLOSED-LOOP.md written again, small and on its own, over the fixture world as the vendors hold
 * it (not over anything the hub stored): identity, touches, windows, the five models and the
 * report's columns. Nothing here uses product logic (only the model names and the response figures' type), so the report
 * the API serves is checked against an independent reading of the rules.
 */

export { MODELS, type Model };

/** An exact fraction of bigints (denominator > 0). */
export class Q {
  constructor(
    readonly n: bigint,
    readonly d: bigint = 1n,
  ) {}
  static ZERO = new Q(0n);
  add(o: Q): Q {
    return new Q(this.n * o.d + o.n * this.d, this.d * o.d).norm();
  }
  mul(o: Q): Q {
    return new Q(this.n * o.n, this.d * o.d).norm();
  }
  div(o: Q): Q {
    const s = o.n < 0n ? -1n : 1n;
    return new Q(this.n * o.d * s, this.d * o.n * s).norm();
  }
  isZero(): boolean {
    return this.n === 0n;
  }
  private norm(): Q {
    const g = gcd(this.n < 0n ? -this.n : this.n, this.d);
    return g > 1n ? new Q(this.n / g, this.d / g) : this;
  }
  /** Rounded to `places` decimals, half away from zero, as a string. */
  fixed(places: number): string {
    const scale = 10n ** BigInt(places);
    const neg = this.n < 0n;
    const a = (neg ? -this.n : this.n) * scale;
    let q = a / this.d;
    if ((a % this.d) * 2n >= this.d) q += 1n;
    const s = q.toString().padStart(places + 1, '0');
    const body = places ? `${s.slice(0, -places)}.${s.slice(-places)}` : s;
    return neg && q !== 0n ? `-${body}` : body;
  }
}
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** A decimal (high precision) as an exact fraction. */
function qOf(d: Decimal): Q {
  const [w, f = ''] = d.toFixed(60).split('.');
  return new Q(BigInt(w! + f), 10n ** BigInt(f.length));
}

// ---- identity -------------------------------------------------------------------------------

/** What identity sees of one record. */
export interface Keys {
  email?: string;
  phones: string[];
  first?: string;
  last?: string;
  postal?: string;
}

/** Both known and none shared. */
const apart = (a: Set<string>, b: Set<string>) =>
  a.size > 0 && b.size > 0 && ![...a].some((x) => b.has(x));

const norm = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Strong keys (email, phones) and the weak key (first + last + postal), as CLOSED-LOOP.md. */
export class Identity {
  private readonly parent: number[] = [];
  private readonly owner = new Map<string, number>();
  private readonly emails: Set<string>[] = [];
  private readonly phones: Set<string>[] = [];
  private readonly firsts: Set<string>[] = [];
  private readonly weak: (string | null)[][] = [];
  /** The match confidence of each record id's customer at its arrival. */
  readonly confidence = new Map<string, 'high' | 'medium' | 'new'>();

  find(c: number): number {
    while (this.parent[c] !== c) c = this.parent[c]!;
    return c;
  }

  /** Resolves one record (in arrival order) to a customer; returns its customer number. */
  resolve(recordId: string, k: Keys): number {
    const email = k.email?.trim().toLowerCase() || undefined;
    const strong = [...(email ? [`e:${email}`] : []), ...k.phones.map((p) => `p:${p}`)];
    const first = k.first ? norm(k.first) : undefined;
    const taken = this.candidates(email, k.phones, first);
    const weakKey =
      k.first && k.last && /^\d{5}$/.test(k.postal ?? '')
        ? `${norm(k.first)}|${norm(k.last)}|${k.postal}`
        : null;
    let c: number;
    if (taken.length) {
      c = Math.min(...taken);
      for (const other of taken) if (other !== c) this.parent[other] = c;
      this.confidence.set(recordId, 'high');
    } else if (strong.some((s) => this.owner.has(s))) {
      c = this.fresh(recordId);
    } else {
      const cand = weakKey ? this.weakOwners(weakKey) : [];
      const one = cand.length === 1 ? cand[0]! : null;
      if (one !== null && !this.conflicts(one, email, k.phones)) {
        c = one;
        this.confidence.set(recordId, 'medium');
      } else c = this.fresh(recordId);
    }
    for (const s of strong) if (!this.owner.has(s)) this.owner.set(s, c);
    if (email) this.emails[c]!.add(email);
    for (const p of k.phones) this.phones[c]!.add(p);
    this.weak[c]!.push(weakKey);
    if (first) this.firsts[c]!.add(first);
    return c;
  }

  private fresh(recordId: string): number {
    const c = this.parent.length;
    this.parent.push(c);
    this.emails.push(new Set());
    this.phones.push(new Set());
    this.firsts.push(new Set());
    this.weak.push([]);
    this.confidence.set(recordId, 'new');
    return c;
  }

  /**
   * The customers of the record's email, then of each phone, that agree with it and with those
   * taken before (README "household rule": first names, and emails, both known and none shared,
   * are a conflict).
   */
  private candidates(email: string | undefined, phones: string[], first: string | undefined) {
    const u = {
      emails: new Set(email ? [email] : []),
      phones: new Set(phones),
      firsts: new Set(first ? [first] : []),
    };
    const taken: number[] = [];
    const keys = [...(email ? [`e:${email}`] : []), ...phones.map((p) => `p:${p}`)];
    for (const key of keys) {
      const owner = this.owner.get(key);
      if (owner === undefined) continue;
      const c = this.find(owner);
      if (taken.includes(c)) continue;
      const a = this.all(c);
      if (apart(a.firsts, u.firsts) || apart(a.emails, u.emails)) continue;
      taken.push(c);
      for (const f of ['emails', 'phones', 'firsts'] as const) for (const v of a[f]) u[f].add(v);
    }
    return taken;
  }

  private all(c: number) {
    const members = this.parent.map((_, i) => i).filter((i) => this.find(i) === c);
    return {
      emails: new Set(members.flatMap((i) => [...this.emails[i]!])),
      phones: new Set(members.flatMap((i) => [...this.phones[i]!])),
      firsts: new Set(members.flatMap((i) => [...this.firsts[i]!])),
      weak: new Set(members.flatMap((i) => this.weak[i]!)),
    };
  }

  private weakOwners(key: string): number[] {
    const roots = new Set<number>();
    this.weak.forEach((ws, i) => ws.includes(key) && roots.add(this.find(i)));
    return [...roots];
  }

  private conflicts(c: number, email: string | undefined, phones: string[]): boolean {
    const a = this.all(c);
    if (email && a.emails.size && !a.emails.has(email)) return true;
    return phones.length > 0 && a.phones.size > 0 && !phones.some((p) => a.phones.has(p));
  }
}

// ---- touches, sales, models ------------------------------------------------------------------

interface Touch {
  id: string;
  t: number;
  channel: string;
  campaignId: string;
}

interface Sale {
  s: WorldSale;
  customer: number;
  grossCents: bigint;
  priceCents: bigint;
}

/** The DMS's phones of a buyer, E.164 (the export writes `(512) 555-0100`). */
const salePhones = (s: WorldSale) => [s.phoneHome, s.phoneCell].filter(Boolean);

/** Resolves every record in the order the test plays them; returns touches and sales. */
export function resolveWorld(w: World) {
  const id = new Identity();
  const touches: { customer: number; touch: Touch; gclid?: string }[] = [];
  const leadGclids = new Map<number, Set<string>>();
  const leadCustomers = new Map<string, number>();
  const play = (late: boolean) => {
    for (const l of w.leads.filter((x) => !!x.late === late)) {
      const p = l.person;
      const c = id.resolve(`lead:${l.id}`, {
        email: p.email,
        phones: p.phone ? [p.phone] : [],
        first: p.firstName,
        last: p.lastName,
        postal: p.postalCode,
      });
      leadCustomers.set(l.id, c);
      touches.push({
        customer: c,
        touch: { id: l.id, t: l.createdAt, channel: l.channel, campaignId: l.campaign.id },
        ...(l.gclid ? { gclid: l.gclid } : {}),
      });
    }
  };
  play(false);
  for (const k of w.clicks) {
    const c = id.resolve(`click:${k.id}`, { email: k.email, phones: [] });
    touches.push({
      customer: c,
      touch: { id: k.id, t: k.occurredAt, channel: 'google', campaignId: k.campaign.id },
      gclid: k.gclid,
    });
  }
  for (const [i, e] of w.emails.entries()) {
    const c = id.resolve(`email:${i}`, { email: e.email, phones: [] });
    if (e.action === 'click')
      touches.push({
        customer: c,
        touch: { id: `email:${i}`, t: e.at, channel: 'email', campaignId: e.campaign.id },
      });
  }
  const sales: Sale[] = w.sales.map((s) => ({
    s,
    customer: id.resolve(`sale:${s.dealNumber}`, {
      email: s.email,
      phones: salePhones(s),
      first: s.firstName,
      last: s.lastName,
      postal: s.postalCode,
    }),
    grossCents: BigInt(s.frontCents + s.backCents),
    priceCents: BigInt(s.priceCents),
  }));
  const answers: { customer: number; t: number; user: string }[] = [];
  for (const a of w.activities) {
    const p = a.person;
    const c = id.resolve(`activity:${a.id}`, {
      email: p.email,
      phones: p.phone ? [p.phone] : [],
      first: p.firstName,
      last: p.lastName,
    });
    const outbound = a.direction === 'OUTBOUND' || a.direction === 'EMAIL' || !a.direction;
    if (outbound && a.objectType !== 'meetings')
      answers.push({ customer: c, t: a.at, user: `${a.owner.firstName} ${a.owner.lastName}` });
  }
  play(true);
  // A click with a lead's click id is that lead's touch (counted once, at the lead's time).
  for (const t of touches)
    if (!isClick(t.touch)) {
      const set = leadGclids.get(id.find(t.customer)) ?? new Set();
      if (t.gclid) set.add(t.gclid);
      leadGclids.set(id.find(t.customer), set);
    }
  const byCustomer = new Map<number, Touch[]>();
  for (const t of touches) {
    const c = id.find(t.customer);
    if (isClick(t.touch) && t.gclid && leadGclids.get(c)?.has(t.gclid)) continue;
    byCustomer.set(c, [...(byCustomer.get(c) ?? []), t.touch]);
  }
  for (const s of sales) s.customer = id.find(s.customer);
  const responses = new Map<number, { t: number; user: string }[]>();
  for (const a of answers) {
    const c = id.find(a.customer);
    responses.set(
      c,
      [...(responses.get(c) ?? []), a].sort((x, y) => x.t - y.t),
    );
  }
  const leadOf = new Map([...leadCustomers].map(([lead, c]) => [lead, id.find(c)]));
  return { identity: id, sales, byCustomer, responses, leadCustomer: leadOf };
}
const isClick = (t: Touch) => t.id.startsWith('clk-');

const daysBetween = (a: string, b: string) =>
  Math.round(
    DateTime.fromISO(b, { zone: 'UTC' }).diff(DateTime.fromISO(a, { zone: 'UTC' }), 'days').days,
  );

/** The touches of a sale's window, ordered by time then id. */
export function windowOf(sale: Sale, touches: Touch[], lookbackDays: number): Touch[] {
  return touches
    .filter((t) => {
      const back = daysBetween(dateOfMs(t.t), sale.s.date);
      return back >= 0 && back <= lookbackDays;
    })
    .sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Credits of n ordered touches under a model (time_decay from the days before the sale). */
export function creditsOf(model: Model, deltas: number[], halfLife: number): Q[] {
  const n = deltas.length;
  const only = (i: number) => deltas.map((_, j) => (i === j ? new Q(1n) : Q.ZERO));
  if (model === 'last_touch') return only(n - 1);
  if (model === 'first_touch') return only(0);
  if (model === 'linear') return deltas.map(() => new Q(1n, BigInt(n)));
  if (model === 'position_based') {
    if (n === 1) return [new Q(1n)];
    if (n === 2) return [new Q(1n, 2n), new Q(1n, 2n)];
    return deltas.map((_, i) =>
      i === 0 || i === n - 1 ? new Q(2n, 5n) : new Q(1n, 5n * BigInt(n - 2)),
    );
  }
  const D = Decimal.clone({ precision: 80 });
  const weights = deltas.map((d) => new D(0.5).pow(new D(d).div(halfLife)));
  const sum = weights.reduce((a, b) => a.add(b), new D(0));
  return weights.map((w) => qOf(w.div(sum)));
}

// ---- the report -----------------------------------------------------------------------------

export interface ExpectedRow {
  channel: string;
  campaignId: string | null;
  spend: string;
  leads: number;
  sold: string;
  gross: string;
  revenue: string;
  costPerLead: string | null;
  costPerSale: string | null;
  roas: string | null;
}

export interface ExpectedReport {
  rows: ExpectedRow[];
  unattributed: ExpectedRow;
  totals: ExpectedRow;
}

interface Acc {
  spend: bigint;
  leads: number;
  sold: Q;
  gross: Q;
  revenue: Q;
}
const acc = (): Acc => ({ spend: 0n, leads: 0, sold: Q.ZERO, gross: Q.ZERO, revenue: Q.ZERO });

function render(channel: string, campaignId: string | null, a: Acc) {
  const money = (c: bigint) => new Q(c, 100n).fixed(2);
  const gross = BigInt(a.gross.fixed(0));
  const revenue = BigInt(a.revenue.fixed(0));
  const row: ExpectedRow = {
    channel,
    campaignId,
    spend: money(a.spend),
    leads: a.leads,
    sold: a.sold.fixed(6),
    gross: money(gross),
    revenue: money(revenue),
    costPerLead: a.leads ? new Q(a.spend, BigInt(a.leads) * 100n).fixed(2) : null,
    costPerSale: a.sold.isZero() ? null : new Q(a.spend, 100n).div(a.sold).fixed(2),
    roas: a.spend === 0n ? null : new Q(gross, a.spend).fixed(4),
  };
  return { row, gross, revenue };
}

/** The report of CLOSED-LOOP.md over `[from, to]` for one model, rows per campaign or channel. */
export function expectedReport(
  w: World,
  r: ReturnType<typeof resolveWorld>,
  q: { from: string; to: string; model: Model; groupBy: 'campaign' | 'channel' },
  settings = { lookbackDays: 90, halfLifeDays: 7 },
): ExpectedReport {
  const inRange = (d: string) => d >= q.from && d <= q.to;
  const cells = new Map<string, Acc>();
  const at = (channel: string, campaignId: string) => {
    const key = q.groupBy === 'channel' ? channel : `${channel}\u0000${campaignId}`;
    if (!cells.has(key)) cells.set(key, acc());
    return cells.get(key)!;
  };
  for (const s of w.spend)
    if (inRange(s.date)) at(s.campaign.channel, s.campaign.id).spend += BigInt(s.cents);
  for (const l of w.leads) if (inRange(dateOfMs(l.createdAt))) at(l.channel, l.campaign.id).leads++;
  const un = acc();
  for (const sale of r.sales) {
    if (!inRange(sale.s.date)) continue;
    const win = windowOf(sale, r.byCustomer.get(sale.customer) ?? [], settings.lookbackDays);
    const gross = new Q(sale.grossCents);
    const price = new Q(sale.priceCents);
    if (!win.length) {
      un.sold = un.sold.add(new Q(1n));
      un.gross = un.gross.add(gross);
      un.revenue = un.revenue.add(price);
      continue;
    }
    const deltas = win.map((t) => daysBetween(dateOfMs(t.t), sale.s.date));
    creditsOf(q.model, deltas, settings.halfLifeDays).forEach((c, i) => {
      const cell = at(win[i]!.channel, win[i]!.campaignId);
      cell.sold = cell.sold.add(c);
      cell.gross = cell.gross.add(c.mul(gross));
      cell.revenue = cell.revenue.add(c.mul(price));
    });
  }
  const rendered = [...cells.entries()]
    .filter(([, a]) => a.spend !== 0n || a.leads !== 0 || !a.sold.isZero())
    .map(([key, a]) => {
      const [channel, campaignId] = key.split('\u0000');
      return { ...render(channel!, q.groupBy === 'channel' ? null : campaignId || '(none)', a), a };
    });
  const u = render('unattributed', null, un);
  const all = [...rendered, u];
  const totals = render('total', null, {
    spend: all.reduce((x, y) => x + BigInt(y.row.spend.replace('.', '')), 0n),
    leads: all.reduce((x, y) => x + y.row.leads, 0),
    sold: rendered.reduce((x, y) => x.add(y.a.sold), un.sold),
    gross: new Q(all.reduce((x, y) => x + y.gross, 0n)),
    revenue: new Q(all.reduce((x, y) => x + y.revenue, 0n)),
  });
  return { rows: rendered.map((x) => x.row), unattributed: u.row, totals: totals.row };
}

// ---- response time ---------------------------------------------------------------------------

/** The figures of one group of leads, in the API's shape. */
export type ExpectedStats = ResponseStats;

const DAY_MS = 86_400_000;

/** Rank p·(n−1) between the two nearest values, rounded to the millisecond (half up). */
function interpolate(sorted: number[], p: Q): number | null {
  if (!sorted.length) return null;
  const rank = p.mul(new Q(BigInt(sorted.length - 1)));
  const lo = Number(rank.n / rank.d);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const frac = rank.add(new Q(BigInt(-lo)));
  const v = new Q(BigInt(sorted[lo]!)).add(frac.mul(new Q(BigInt(sorted[hi]! - sorted[lo]!))));
  return Number(v.fixed(0));
}

function statsOf(rows: { ms: number | null; pending: boolean }[], slaMs: number): ExpectedStats {
  const times = rows.flatMap((r) => (r.ms === null ? [] : [r.ms])).sort((a, b) => a - b);
  const within = times.filter((t) => t <= slaMs).length;
  return {
    leads: rows.length,
    answered: times.length,
    medianMs: interpolate(times, new Q(1n, 2n)),
    p90Ms: interpolate(times, new Q(9n, 10n)),
    withinSla: `${within}/${rows.length}`,
    withinSlaShare: rows.length ? new Q(BigInt(within), BigInt(rows.length)).fixed(4) : null,
    unanswered: rows.filter((r) => (r.ms === null ? !r.pending : r.ms > DAY_MS)).length,
    pending: rows.filter((r) => r.pending).length,
  };
}

/** Response time of the leads created in `[from, to]`: the store and each salesperson. */
export function expectedResponse(
  w: World,
  r: ReturnType<typeof resolveWorld>,
  q: { from: string; to: string; slaMinutes: number; now: number },
) {
  const rows = w.leads
    .filter((l) => dateOfMs(l.createdAt) >= q.from && dateOfMs(l.createdAt) <= q.to)
    .map((l) => {
      const first = r.responses.get(r.leadCustomer.get(l.id)!)?.find((a) => a.t >= l.createdAt);
      return {
        person: first?.user ?? '(unassigned)',
        ms: first ? first.t - l.createdAt : null,
        pending: !first && q.now - l.createdAt < DAY_MS,
      };
    });
  const sla = q.slaMinutes * 60_000;
  const people = [...new Set(rows.map((x) => x.person))].sort();
  return {
    store: statsOf(rows, sla),
    salespeople: people.map((p) => ({
      salesperson: p,
      ...statsOf(
        rows.filter((x) => x.person === p),
        sla,
      ),
    })),
  };
}
