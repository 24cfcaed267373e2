import { DateTime } from 'luxon';

import { people, Rng, VEHICLES, type Person, type Vehicle } from './people.ts';

/** The demo store. */
export const STORE = {
  tenantId: 'lone-star-motors',
  name: 'Lone Star Motors',
  timeZone: 'America/Chicago',
} as const;

/** Days of history the demo plays. */
export const DAYS = 90;

/** A campaign of the story: where its leads come from and what it spends a day. */
export interface Campaign {
  id: string;
  name: string;
  channel: 'meta' | 'google' | 'third_party';
  /** Leads it brings over the 90 days. */
  leads: number;
  /** Average spend a day, cents (0: a lead site paid per lead outside the ad platforms). */
  dailyCents: number;
  /** Share of its leads that buy. */
  closeRate: number;
}

/** The store's campaigns over the quarter (ids as the platforms write them). */
export const CAMPAIGNS: readonly Campaign[] = [
  {
    id: '120210000000101',
    name: 'Meta, Spring Truck Event',
    channel: 'meta',
    leads: 120,
    dailyCents: 9_500,
    closeRate: 0.12,
  },
  {
    id: '120210000000102',
    name: 'Meta, Silverado Lease Offers',
    channel: 'meta',
    leads: 90,
    dailyCents: 6_000,
    closeRate: 0.1,
  },
  {
    id: '120210000000103',
    name: 'Meta, Used Inventory Retargeting',
    channel: 'meta',
    leads: 60,
    dailyCents: 2_500,
    closeRate: 0.15,
  },
  {
    id: '21458800101',
    name: 'Google, Brand Search',
    channel: 'google',
    leads: 80,
    dailyCents: 3_000,
    closeRate: 0.2,
  },
  {
    id: '21458800102',
    name: 'Google, Silverado Search',
    channel: 'google',
    leads: 90,
    dailyCents: 8_000,
    closeRate: 0.1,
  },
  {
    id: '21458800103',
    name: 'Google, Used Trucks Performance Max',
    channel: 'google',
    leads: 40,
    dailyCents: 4_500,
    closeRate: 0.05,
  },
  { id: '', name: 'Cars.com', channel: 'third_party', leads: 70, dailyCents: 0, closeRate: 0.08 },
  { id: '', name: 'AutoTrader', channel: 'third_party', leads: 50, dailyCents: 0, closeRate: 0.06 },
];

/** One enquiry of the story. */
export interface StoryLead {
  /** The platform's lead id: Meta leadgen id, website form id or vendor lead id. */
  id: string;
  person: Person;
  campaign: Campaign;
  createdAt: number;
  vehicle: Vehicle;
  gclid?: string;
}

/** One deal of the DMS export. */
export interface StorySale {
  dealNumber: string;
  person: Person;
  /** The tenant date (YYYY-MM-DD). */
  date: string;
  vehicle: Vehicle;
  priceCents: number;
  frontCents: number;
  backCents: number;
  /** How the DMS wrote the buyer: with email, phone only, or name and ZIP only. */
  contact: 'email' | 'phone' | 'namePostal';
  lead?: StoryLead;
}

/** A campaign's spend on one day (cents). */
export interface StorySpend {
  campaign: Campaign;
  date: string;
  cents: number;
}

/** Everything the demo plays, generated from a seed and the current time. */
export interface Story {
  now: number;
  start: number;
  leads: StoryLead[];
  sales: StorySale[];
  spend: StorySpend[];
}

const dateOf = (ms: number) => DateTime.fromMillis(ms, { zone: STORE.timeZone }).toISODate()!;

/**
 * The quarter of Lone Star Motors: ~600 leads from 8 sources over 90 days (some people enquire
 * twice), ~70 sales (most by people who enquired, a few walk-ins), and daily spend per campaign.
 */
export function writeStory(now = Date.now(), seed = 7): Story {
  const rng = new Rng(seed);
  const start = now - DAYS * 86_400_000;
  const crowd = people(rng, 620);
  let next = 0;
  const leads: StoryLead[] = [];
  for (const campaign of CAMPAIGNS) {
    for (let i = 0; i < campaign.leads; i++) {
      // One lead in twelve is someone who enquired before (another form, another site).
      const person =
        leads.length > 20 && rng.next() < 1 / 12 ? rng.pick(leads).person : crowd[next++]!;
      const createdAt = start + Math.floor(rng.next() * (DAYS * 86_400_000 - 3_600_000));
      leads.push({
        id: leadId(rng, campaign),
        person,
        campaign,
        createdAt,
        vehicle: rng.pick(VEHICLES),
        ...(campaign.channel === 'google' ? { gclid: `Cj0KCQiA${rng.token(60)}` } : {}),
      });
    }
  }
  leads.sort((a, b) => a.createdAt - b.createdAt);
  const sales = writeSales(rng, leads, crowd.slice(next), now);
  return { now, start, leads, sales, spend: writeSpend(rng, start, now) };
}

function leadId(rng: Rng, c: Campaign): string {
  if (c.channel === 'meta') return `2${rng.digits(15)}`;
  if (c.channel === 'google') return `web-${rng.digits(7)}`;
  return `${c.name === 'Cars.com' ? 'CC' : 'AT'}-${rng.digits(8)}`;
}

function writeSales(rng: Rng, leads: StoryLead[], walkIns: Person[], now: number): StorySale[] {
  const today = dateOf(now);
  const sales: StorySale[] = [];
  const bought = new Set<Person>();
  let deal = 24_100;
  const sell = (person: Person, date: string, vehicle: Vehicle, lead?: StoryLead) => {
    const priceCents =
      (vehicle.status === 'new' ? rng.int(38_000, 72_000) : rng.int(24_000, 41_000)) * 100;
    const r = rng.next();
    sales.push({
      dealNumber: String(deal++),
      person,
      date,
      vehicle,
      priceCents,
      frontCents: rng.int(400, 3_600) * 100 + rng.int(0, 99),
      backCents: rng.int(300, 2_400) * 100,
      contact: r < 0.8 ? 'email' : r < 0.93 ? 'phone' : 'namePostal',
      ...(lead ? { lead } : {}),
    });
  };
  for (const lead of leads) {
    if (bought.has(lead.person) || rng.next() >= lead.campaign.closeRate) continue;
    const date = dateOf(lead.createdAt + rng.int(1, 35) * 86_400_000);
    // The DMS exports nightly: the newest deals in the drop folder are yesterday's.
    if (date >= today) continue;
    bought.add(lead.person);
    sell(lead.person, date, lead.vehicle, lead);
  }
  for (const person of walkIns.slice(0, 12))
    sell(person, dateOf(now - rng.int(1, DAYS - 1) * 86_400_000), rng.pick(VEHICLES));
  return sales.sort((a, b) => a.date.localeCompare(b.date));
}

function writeSpend(rng: Rng, start: number, now: number): StorySpend[] {
  const spend: StorySpend[] = [];
  for (let t = start; dateOf(t) <= dateOf(now); t += 86_400_000) {
    for (const campaign of CAMPAIGNS) {
      if (!campaign.dailyCents) continue;
      const cents = Math.round(campaign.dailyCents * (0.7 + rng.next() * 0.6));
      spend.push({ campaign, date: dateOf(t), cents });
    }
  }
  return spend;
}
