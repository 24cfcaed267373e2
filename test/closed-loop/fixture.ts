import { DateTime } from 'luxon';

import { Rng } from '../../src/demo/people.ts';

/**
 * The closed loop's fixture world (issue 13's main acceptance test): one store, 150 days of
 * Meta Lead Ads, Google web leads posted as ADF with their gclid, third-party ADF leads, Google
 * landing-page clicks, Mailchimp opens and clicks, about 80 DMS deals and every campaign's daily
 * spend, generated from a seed and the day it runs on (dates are relative to the store's today).
 * It describes what each vendor holds, in vendor terms; `play.ts` plays it through the real
 * connectors and `expect.ts` computes the report from it by its own rules.
 */

/** The store. */
export const ZONE = 'America/Chicago';
export const TENANT = 'hill-country-chevrolet';
/** Days of history (ending yesterday, tenant dates). */
export const DAYS = 150;

export type Channel = 'meta' | 'google' | 'third_party' | 'email';

/** A campaign of the world; lead sites report under their own name (the ADF provider). */
export interface WorldCampaign {
  id: string;
  name: string;
  channel: Channel;
  /** Average daily spend in cents (0: none, e.g. lead sites and email). */
  dailyCents: number;
}

export const CAMPAIGNS: readonly WorldCampaign[] = [
  { id: '120210000000201', name: 'Meta, Truck Month', channel: 'meta', dailyCents: 8_700 },
  { id: '120210000000202', name: 'Meta, EV Test Drive', channel: 'meta', dailyCents: 5_300 },
  { id: '120210000000203', name: 'Meta, Used Retargeting', channel: 'meta', dailyCents: 2_100 },
  { id: '31458800201', name: 'Google, Brand Search', channel: 'google', dailyCents: 3_300 },
  { id: '31458800202', name: 'Google, Silverado Search', channel: 'google', dailyCents: 7_900 },
  { id: 'Cars.com', name: 'Cars.com', channel: 'third_party', dailyCents: 0 },
  { id: 'AutoTrader', name: 'AutoTrader', channel: 'third_party', dailyCents: 0 },
  { id: 'b7e1c0a912', name: 'Service Customers Trade-Up', channel: 'email', dailyCents: 0 },
  { id: 'c44d2e8f03', name: 'Year-End Sales Event', channel: 'email', dailyCents: 0 },
];
const byChannel = (c: Channel) => CAMPAIGNS.filter((x) => x.channel === c);
/** A Google click whose landing URL carried no campaign id: it reports as `(none)` under google. */
export const NO_CAMPAIGN: WorldCampaign = { id: '', name: '', channel: 'google', dailyCents: 0 };

/** A person as the vendors write them. */
export interface WorldPerson {
  firstName: string;
  lastName: string;
  email: string;
  /** E.164. */
  phone: string;
  postalCode: string;
  city: string;
}

/** A lead as its source holds it. */
export interface WorldLead {
  id: string;
  channel: 'meta' | 'google' | 'third_party';
  campaign: WorldCampaign;
  person: WorldPerson;
  createdAt: number;
  gclid?: string;
  /** Played after the first catch-up (a late lead: imported after its sale). */
  late?: boolean;
}

/** A Google ad click the website logged on its landing page (with the visitor's email). */
export interface WorldClick {
  id: string;
  gclid: string;
  campaign: WorldCampaign;
  email: string;
  occurredAt: number;
}

/** One Mailchimp email activity event. */
export interface WorldEmailEvent {
  campaign: WorldCampaign;
  email: string;
  action: 'open' | 'click';
  at: number;
}

/** One row of the DMS deal export, as the DMS writes the buyer. */
export interface WorldSale {
  dealNumber: string;
  date: string;
  firstName: string;
  lastName: string;
  email: string;
  phoneHome: string;
  phoneCell: string;
  /** A business buyer: the DMS writes the company, and no first or last name. */
  companyName?: string;
  postalCode: string;
  city: string;
  priceCents: number;
  frontCents: number;
  backCents: number;
  /** false: the export leaves total_gross empty (front + back counts). */
  writesTotal: boolean;
  /** The case of CLOSED-LOOP.md this sale stands for, if any. */
  note?: string;
}

/** Spend of one campaign on one day. */
export interface WorldSpend {
  campaign: WorldCampaign;
  date: string;
  cents: number;
}

/** A salesperson: a HubSpot owner. */
export interface WorldOwner {
  id: string;
  firstName: string;
  lastName: string;
}

export const OWNERS: readonly WorldOwner[] = [
  { id: '91001', firstName: 'Dana', lastName: 'Brooks' },
  { id: '91002', firstName: 'Luis', lastName: 'Ortega' },
  { id: '91003', firstName: 'Kim', lastName: 'Tran' },
  { id: '91004', firstName: 'Bobby', lastName: 'Rhodes' },
];

/** An engagement the CRM (HubSpot) logged on a person's contact. */
export interface WorldActivity {
  id: string;
  objectType: 'calls' | 'emails' | 'communications' | 'meetings';
  /** Calls: hs_call_direction; emails: hs_email_direction; texts and meetings have none. */
  direction?: 'OUTBOUND' | 'INBOUND' | 'EMAIL' | 'INCOMING_EMAIL';
  at: number;
  owner: WorldOwner;
  person: WorldPerson;
}

/** Everything the world holds. */
export interface World {
  today: string;
  leads: WorldLead[];
  activities: WorldActivity[];
  clicks: WorldClick[];
  emails: WorldEmailEvent[];
  sales: WorldSale[];
  spend: WorldSpend[];
}

/** Tenant date `k` days from today (negative: before). */
export const dayOf = (today: string, k: number) =>
  DateTime.fromISO(today, { zone: ZONE }).plus({ days: k }).toISODate()!;
/** An instant on a tenant date at `minutes` after midnight. */
export const instant = (date: string, minutes: number) =>
  DateTime.fromISO(date, { zone: ZONE }).plus({ minutes }).toMillis();
/** The tenant date of an instant. */
export const dateOfMs = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toISODate()!;

const FIRST = ['Avery', 'Blake', 'Carmen', 'Diego', 'Elena', 'Felix', 'Grace', 'Hector', 'Iris'];
const FIRST2 = ['Jonah', 'Kira', 'Lucas', 'Mara', 'Nolan', 'Olivia', 'Pablo', 'Quinn', 'Rosa'];
const LAST = ['Alvarado', 'Bishop', 'Coleman', 'Duarte', 'Ellison', 'Fuentes', 'Gaines', 'Haynes'];
const LAST2 = ['Ibarra', 'Jennings', 'Keller', 'Lozano', 'Mercer', 'Navarro', 'Ochoa', 'Pruitt'];
const PLACES = [
  ['Austin', '78704'],
  ['Austin', '78745'],
  ['Round Rock', '78664'],
  ['Pflugerville', '78660'],
  ['Cedar Park', '78613'],
  ['Georgetown', '78626'],
  ['Kyle', '78640'],
] as const;

/** Generates people with distinct emails, phones and (first, last, postal) keys. */
class Crowd {
  private n = 0;
  private readonly weak = new Set<string>();
  constructor(private readonly rng: Rng) {}

  next(over: Partial<WorldPerson> = {}): WorldPerson {
    for (;;) {
      const i = this.n++;
      const firstName = this.rng.pick([...FIRST, ...FIRST2]);
      const lastName = this.rng.pick([...LAST, ...LAST2]);
      const [city, postalCode] = this.rng.pick(PLACES);
      const p: WorldPerson = {
        firstName,
        lastName,
        city,
        postalCode,
        email: `${firstName}.${lastName}${i}@example.com`.toLowerCase(),
        phone: `+1512${String(2_000_000 + i * 7).padStart(7, '0')}`,
        ...over,
      };
      const key = `${p.firstName}|${p.lastName}|${p.postalCode}`.toLowerCase();
      if (this.weak.has(key)) continue;
      this.weak.add(key);
      return p;
    }
  }

  /** A phone nobody in the world has (a home line). */
  homePhone(): string {
    return `+1737${String(3_000_000 + this.n++ * 11).padStart(7, '0')}`;
  }
}

/** Builds the world from a seed and the store's today (a tenant date). */
export function buildWorld(today: string, seed = 13): World {
  const rng = new Rng(seed);
  const crowd = new Crowd(rng);
  const w: World = {
    today,
    leads: [],
    activities: [],
    clicks: [],
    emails: [],
    sales: [],
    spend: [],
  };
  const ids = { lead: 0, click: 0, deal: 31_000 };
  const addLead = (
    person: WorldPerson,
    campaign: WorldCampaign,
    createdAt: number,
    late = false,
  ): WorldLead => {
    const channel = campaign.channel as WorldLead['channel'];
    const n = ids.lead++;
    const id =
      channel === 'meta'
        ? `28${String(4_000_000_000_000 + n * 37)}`
        : channel === 'google'
          ? `web-${700_000 + n}`
          : `${campaign.id === 'Cars.com' ? 'CC' : 'AT'}-${90_000_000 + n}`;
    const lead: WorldLead = { id, channel, campaign, person, createdAt, ...(late ? { late } : {}) };
    if (channel === 'google') lead.gclid = `Cj0KCQiA${rng.token(40)}`;
    w.leads.push(lead);
    return lead;
  };
  // A lead time: day k (−DAYS..−1), between 07:00 and 22:59, whole seconds, never twice the same.
  const used = new Set<number>();
  const leadTime = (k: number) => {
    for (;;) {
      const t = instant(dayOf(today, k), 7 * 60 + rng.int(0, 16 * 60 - 1)) + rng.int(0, 59) * 1000;
      if (!used.has(t)) return (used.add(t), t);
    }
  };
  const pickCampaign = () => {
    const r = rng.next();
    return r < 0.5
      ? rng.pick(byChannel('meta'))
      : r < 0.86
        ? rng.pick(byChannel('google'))
        : rng.pick(byChannel('third_party'));
  };

  // ~470 ordinary leads by ~400 people; one in six enquires twice.
  const prospects: WorldPerson[] = [];
  for (let i = 0; i < 420; i++) {
    const p = crowd.next();
    prospects.push(p);
    addLead(p, pickCampaign(), leadTime(-rng.int(1, DAYS)));
    if (rng.next() < 1 / 6) addLead(p, pickCampaign(), leadTime(-rng.int(1, DAYS)));
  }
  addClicks(w, rng, ids);
  addEmails(w, rng, prospects);
  addSales(w, rng, crowd, prospects, ids);
  addCases(w, rng, crowd, ids, addLead, leadTime);
  addSpend(w, rng);
  w.leads.sort((a, b) => a.createdAt - b.createdAt);
  addActivities(w, rng);
  return w;
}

/** Landing-page clicks: the one behind half the Google leads, and earlier visits of others. */
function addClicks(w: World, rng: Rng, ids: { click: number }) {
  for (const l of w.leads.filter((x) => x.channel === 'google')) {
    const email = l.person.email;
    if (rng.next() < 0.5)
      w.clicks.push({
        id: `clk-${ids.click++}`,
        gclid: l.gclid!,
        campaign: l.campaign,
        email,
        occurredAt: l.createdAt - rng.int(2, 9) * 60_000,
      });
    // An earlier visit from another ad, days before the form (a touch of its own).
    const earlier = l.createdAt - rng.int(1, 20) * 86_400_000 - rng.int(1, 600) * 60_000;
    if (rng.next() < 0.3 && earlier > instant(dayOf(w.today, -DAYS), 0))
      w.clicks.push({
        id: `clk-${ids.click++}`,
        gclid: `EAIaIQobChMI${rng.token(30)}`,
        campaign: rng.pick(byChannel('google')),
        email,
        occurredAt: earlier,
      });
  }
}

/** Mailchimp activity of a quarter of the prospects: opens (never credited) and clicks. */
function addEmails(w: World, rng: Rng, prospects: WorldPerson[]) {
  for (const p of prospects) {
    if (rng.next() >= 0.25) continue;
    const campaign = rng.pick(byChannel('email'));
    const at =
      instant(dayOf(w.today, -rng.int(1, DAYS)), 9 * 60 + rng.int(0, 600)) + rng.int(0, 59) * 1000;
    w.emails.push({ campaign, email: p.email, action: 'open', at });
    if (rng.next() < 0.6)
      w.emails.push({
        campaign,
        email: p.email,
        action: 'click',
        at: at + rng.int(1, 30) * 60_000,
      });
  }
}

type LeadAdder = (p: WorldPerson, c: WorldCampaign, t: number, late?: boolean) => WorldLead;

/** A DMS row for a person, with money drawn from the seed. */
function saleRow(rng: Rng, ids: { deal: number }, p: WorldPerson, date: string): WorldSale {
  return {
    dealNumber: String(ids.deal++),
    date,
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.email,
    phoneHome: '',
    phoneCell: p.phone,
    postalCode: p.postalCode,
    city: p.city,
    priceCents: rng.int(24_000, 72_000) * 100 + rng.int(0, 99),
    frontCents: rng.int(300, 3_600) * 100 + rng.int(0, 99),
    backCents: rng.int(200, 2_400) * 100 + rng.int(0, 99),
    writesTotal: rng.next() < 0.8,
  };
}

/** ~70 buyers among the prospects, written by the DMS in the ways DMSs write them. */
function addSales(
  w: World,
  rng: Rng,
  crowd: Crowd,
  prospects: WorldPerson[],
  ids: { deal: number },
) {
  const firstLead = new Map<WorldPerson, WorldLead>();
  for (const l of [...w.leads].sort((a, b) => a.createdAt - b.createdAt))
    if (!firstLead.has(l.person)) firstLead.set(l.person, l);
  for (const p of prospects) {
    if (rng.next() >= 0.17) continue;
    const lead = firstLead.get(p)!;
    const k = Math.round((Date.parse(dateOfMs(lead.createdAt)) - Date.parse(w.today)) / 864e5);
    const saleK = Math.min(-1, k + rng.int(0, 45));
    const s = saleRow(rng, ids, p, dayOf(w.today, saleK));
    const r = rng.next();
    if (r < 0.12) s.email = p.email.toUpperCase();
    else if (r < 0.2) Object.assign(s, { email: '', phoneCell: '', phoneHome: p.phone });
    w.sales.push(s);
  }
  // Walk-ins: people with no touch at all.
  for (let i = 0; i < 6; i++)
    w.sales.push({
      ...saleRow(rng, ids, crowd.next(), dayOf(w.today, -rng.int(1, DAYS))),
      note: 'walk-in',
    });
}

/** The cases CLOSED-LOOP.md names, one or more sales each. */
function addCases(
  w: World,
  rng: Rng,
  crowd: Crowd,
  ids: { deal: number; click: number },
  addLead: LeadAdder,
  leadTime: (k: number) => number,
) {
  const meta = byChannel('meta');
  const google = byChannel('google');
  const sale = (p: WorldPerson, k: number, note: string, over: Partial<WorldSale> = {}) => {
    const s = { ...saleRow(rng, ids, p, dayOf(w.today, k)), note, ...over };
    w.sales.push(s);
    return s;
  };
  // Email match in another letter case.
  const a = crowd.next();
  addLead(a, meta[0]!, leadTime(-40));
  sale(a, -30, 'email in another case', { email: a.email.toUpperCase(), phoneCell: '' });
  // Phone only: the lead's cell is the DMS's second phone; the first is a home line.
  const b = crowd.next();
  addLead(b, google[1]!, leadTime(-55));
  sale(b, -50, 'phone only, cell second', { email: '', phoneHome: crowd.homePhone() });
  // First + last + postal only (medium).
  const c = crowd.next();
  addLead(c, meta[1]!, leadTime(-22));
  sale(c, -12, 'first+last+postal only', { email: '', phoneCell: '' });
  // Relatives: same last name and postal code as a lead, other first name / other email.
  const d = crowd.next({ firstName: 'Ruben', lastName: 'Zamora', postalCode: '78660' });
  addLead(d, meta[2]!, leadTime(-35));
  const sister = { ...d, firstName: 'Lucia', email: '', phone: '' };
  sale(sister, -20, 'relative: other first name', { phoneCell: '', email: '' });
  const son = { ...d, email: 'ruben.zamora.jr@example.com', phone: '' };
  sale(son, -18, 'relative: same name, other email', { phoneCell: '' });
  // Buyer whose only lead is older than the lookback; and one exactly at its edge.
  const e = crowd.next();
  addLead(e, meta[0]!, leadTime(-140));
  sale(e, -49, 'only lead older than lookback (91 days)');
  const f = crowd.next();
  addLead(f, google[0]!, leadTime(-130));
  sale(f, -40, 'lead exactly 90 days before');
  // A lead created the day after the sale (the only one), and one after a first lead.
  const g = crowd.next();
  addLead(g, meta[1]!, leadTime(-9));
  sale(g, -10, 'only lead the day after the sale');
  const g2 = crowd.next();
  addLead(g2, google[1]!, leadTime(-25));
  addLead(g2, meta[2]!, leadTime(-14));
  sale(g2, -15, 'second lead the day after the sale');
  // A repeat buyer with two sales (both credit the touches in their windows).
  const r = crowd.next();
  addLead(r, meta[0]!, leadTime(-100));
  addLead(r, google[0]!, leadTime(-70));
  w.emails.push({
    campaign: byChannel('email')[0]!,
    email: r.email,
    action: 'click',
    at: leadTime(-65),
  });
  sale(r, -60, 'repeat buyer, first sale');
  sale(r, -5, 'repeat buyer, second sale', { email: r.email.toUpperCase() });
  // A customer merged after the sale arrived: the buyer's website lead (email, cell) and an
  // AutoTrader lead with only a home phone are two customers (the weak key may not join them: their
  // phones differ) until a late Cars.com lead, created before the sale but imported after it,
  // carries the email and the home phone.
  const m1 = crowd.next();
  const m2 = { ...m1, email: '', phone: crowd.homePhone() };
  addLead(m1, google[0]!, leadTime(-33));
  addLead(m2, byChannel('third_party')[1]!, leadTime(-38));
  sale(m1, -26, 'customer merged after the sale arrived', { phoneCell: '' });
  addLead({ ...m1, phone: m2.phone }, byChannel('third_party')[0]!, leadTime(-29), true);
  // A business buyer: the owner's Meta lead (work email and cell) and a deal the DMS writes to the
  // company with no first or last name; it matches by the email. A second business deal with no
  // email or phone matches nobody, even with a lead of the same postal code before it.
  const owner = crowd.next({ email: 'owner@hillcountryplumbing.example' });
  addLead(owner, meta[1]!, leadTime(-44));
  const company = { firstName: '', lastName: '' };
  sale(owner, -37, 'business buyer, email', {
    ...company,
    companyName: 'Hill Country Plumbing LLC',
  });
  const roofer = crowd.next();
  addLead(roofer, google[0]!, leadTime(-31));
  sale(roofer, -28, 'business buyer, no email or phone', {
    ...company,
    companyName: 'Austin Roofing Co',
    email: '',
    phoneCell: '',
  });
  // A click whose landing URL carried no campaign id, the last touch before a sale: `(none)`.
  const n = crowd.next();
  addLead(n, meta[2]!, leadTime(-24));
  w.clicks.push({
    id: `clk-${ids.click++}`,
    gclid: `EAIaIQobChMI${rng.token(30)}`,
    campaign: NO_CAMPAIGN,
    email: n.email,
    occurredAt: leadTime(-19),
  });
  sale(n, -16, 'last touch a click without campaign');
}

/** Every paid campaign's spend, every day. */
function addSpend(w: World, rng: Rng) {
  for (let k = -DAYS; k <= -1; k++)
    for (const c of CAMPAIGNS)
      if (c.dailyCents)
        w.spend.push({
          campaign: c,
          date: dayOf(w.today, k),
          cents: Math.round(c.dailyCents * (0.6 + rng.next() * 0.8)),
        });
}

/**
 * How the sales team answered the leads the CRM received (every lead but the late ones): most
 * within minutes, some exactly at the SLA (15 min) or at 24 h, some after a day, some never; by
 * call, email or text, with replies from the customer and meetings that answer nothing. Nothing is
 * logged after the start of today (the world ends yesterday).
 */
function addActivities(w: World, rng: Rng) {
  const end = instant(w.today, 0);
  let n = 0;
  const log = (a: Omit<WorldActivity, 'id'>) => {
    if (a.at < end) w.activities.push({ ...a, id: String(50_000_000 + n++ * 3) });
  };
  for (const l of w.leads.filter((x) => !x.late)) {
    const owner = rng.pick(OWNERS);
    const person = l.person;
    if (rng.next() < 0.2)
      log({
        objectType: 'emails',
        direction: 'INCOMING_EMAIL',
        at: l.createdAt + 30_000,
        owner,
        person,
      });
    if (rng.next() < 0.1) log({ objectType: 'meetings', at: l.createdAt + 60_000, owner, person });
    const r = rng.next();
    if (r < 0.1) continue;
    const delay =
      r < 0.15
        ? rng.int(25 * 60, 60 * 60) * 60_000
        : r < 0.18
          ? 15 * 60_000
          : r < 0.2
            ? 24 * 3_600_000
            : rng.int(1, 180) * 60_000 + rng.int(0, 59) * 1000;
    const kind = rng.pick(['call', 'email', 'text'] as const);
    log({
      objectType: kind === 'call' ? 'calls' : kind === 'email' ? 'emails' : 'communications',
      ...(kind === 'call'
        ? { direction: 'OUTBOUND' as const }
        : kind === 'email'
          ? { direction: 'EMAIL' as const }
          : {}),
      at: l.createdAt + delay,
      owner,
      person,
    });
  }
}
