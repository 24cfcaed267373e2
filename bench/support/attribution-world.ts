/**
 * The attribution bench's generated tenant: people resolved by the product's identity script,
 * then leads, touchpoints, sales and a year of spend written through the record store (batched,
 * so the access paths exist as in service). Seeded: every run writes the same world.
 */
import type { Contact } from '../../src/canonical/index.ts';
import type { Hub } from '../../src/hub.ts';
import { resolveCustomers } from '../../src/identity/resolve.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { RecordStore, type RecordWrite } from '../../src/records/record-store.ts';
import { prng } from '../../test/fixtures/dms/generate-cdk-export.ts';

/** SCALE=0.1 makes a tenth of the world, to try the bench out (the figures are for SCALE=1). */
const SCALE = Number(process.env.SCALE ?? 1);

/** Sizes of the world (issue 13). */
export const WORLD = {
  people: Math.round(40_000 * SCALE),
  leads: Math.round(100_000 * SCALE),
  touchpoints: Math.round(300_000 * SCALE),
  sales: Math.round(10_000 * SCALE),
  campaigns: 30,
  year: 2026,
} as const;

const BATCH = 1_000;
const CHANNELS = ['google', 'meta', 'email', 'website', 'partner'] as const;
/** Touchpoint types by share: the three credited ones and a never-credited open. */
const TP_TYPES = ['ad_click', 'ad_click', 'email_click', 'form_fill', 'email_open'] as const;
const DAY_MS = 86_400_000;

/** What the bench keeps of the world besides Redis: the people's emails, for the DMS file. */
export interface World {
  customers: string[];
  emails: string[];
  firstDay: string;
  lastDay: string;
}

/** The email of person `i` (the DMS file's buyers use it). */
export const personEmail = (i: number) => `person.${i}@example.com`;

/** Campaign `c`'s channel and id. */
export const campaign = (c: number) => ({
  channel: CHANNELS[c % CHANNELS.length]!,
  campaignId: `cmp-${String(c).padStart(2, '0')}`,
});

/** Resolves the world's people through the identity script; returns their customer ids. */
async function people(hub: Hub, tenantId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let p = 0; p < WORLD.people; p += BATCH) {
    const contacts: Contact[] = [];
    for (let i = p; i < Math.min(WORLD.people, p + BATCH); i++)
      contacts.push({
        email: personEmail(i),
        firstName: `First${i}`,
        lastName: `Last${i % 997}`,
        phone: `+1512${String(2_000_000 + i).padStart(7, '0')}`,
      } as Contact);
    const { people: got } = await resolveCustomers(hub.redis, hub.keys, tenantId, contacts);
    for (const g of got) ids.push(g!.customerId);
  }
  return ids;
}

/** Writes records `make(0..count-1)` in batches of 1,000, two batches in flight. */
async function writeAll(
  store: RecordStore,
  tenantId: string,
  count: number,
  make: (i: number) => StoredRecord,
): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  for (let s = 0; s < count; s += BATCH) {
    const writes: RecordWrite[] = [];
    for (let i = s; i < Math.min(count, s + BATCH); i++)
      writes.push({ record: make(i), expected: 0, sourceConnectionId: 'bench', changed: [] });
    if (inFlight.length === 2) await inFlight.shift();
    inFlight.push(
      store.writeMany(tenantId, writes).then((lost) => {
        if (lost.length) throw new Error(`${lost.length} generated records lost a write race`);
      }),
    );
  }
  await Promise.all(inFlight);
}

const rec = (entity: string, id: string, f: StoredRecord['f'], customerId?: string | null) => {
  const r: StoredRecord = { id, entity, v: 0, f, m: {} };
  if (customerId) r.customerId = customerId;
  return r;
};

/** Generates the world into the tenant. */
export async function generateWorld(hub: Hub, tenantId: string): Promise<World> {
  const store = new RecordStore(hub.redis, hub.keys);
  const random = prng(13);
  const int = (n: number) => Math.floor(random() * n);
  const start = Date.UTC(WORLD.year, 0, 1);
  const instant = () => new Date(start + int(365 * DAY_MS)).toISOString();
  const customers = await people(hub, tenantId);
  const leadOf: { id: string; gclid?: string }[][] = customers.map(() => []);
  const leadCustomer = Array.from({ length: WORLD.leads }, () => int(customers.length));
  await writeAll(store, tenantId, WORLD.leads, (i) => {
    const who = leadCustomer[i]!;
    const c = campaign(int(WORLD.campaigns));
    const gclid = c.channel === 'google' && random() < 0.6 ? `gcl-${i}` : undefined;
    leadOf[who]!.push({ id: `lead_${i}`, gclid });
    const f: StoredRecord['f'] = {
      createdAt: instant(),
      source: c.channel,
      campaignId: c.campaignId,
    };
    if (gclid) f['clickIds.gclid'] = gclid;
    return rec('lead', `lead_${i}`, f, customers[who]);
  });
  await writeAll(store, tenantId, WORLD.touchpoints, (i) => {
    const who = int(customers.length);
    const c = campaign(int(WORLD.campaigns));
    const type = TP_TYPES[int(TP_TYPES.length)]!;
    const f: StoredRecord['f'] = {
      type,
      occurredAt: instant(),
      channel: c.channel,
      campaignId: c.campaignId,
    };
    const own = leadOf[who]!;
    // Some touchpoints are a lead's own touch (it names the lead, or shares its click id).
    if (type === 'form_fill' && own.length && random() < 0.3) f.leadId = own[int(own.length)]!.id;
    const clicked = own.find((l) => l.gclid);
    if (type === 'ad_click' && clicked && random() < 0.3) f['clickIds.gclid'] = clicked.gclid!;
    return rec('touchpoint', `tp_${i}`, f, customers[who]);
  });
  await writeAll(store, tenantId, WORLD.sales, (i) => saleRecord(i, random, customers, start));
  await writeAll(store, tenantId, 365 * WORLD.campaigns, (i) => {
    const c = campaign(i % WORLD.campaigns);
    const date = new Date(start + Math.floor(i / WORLD.campaigns) * DAY_MS).toISOString();
    const f = { date: date.slice(0, 10), ...c, amount: 2_000 + int(300_000) };
    return rec('spend', `spend_${i}`, f);
  });
  const emails = customers.map((_, i) => personEmail(i));
  return { customers, emails, firstDay: `${WORLD.year}-01-01`, lastDay: `${WORLD.year}-12-31` };
}

/** Sale `i`: most buyers matched by email, some by the weak key (medium), a tenth walk-ins. */
function saleRecord(
  i: number,
  random: () => number,
  customers: readonly string[],
  start: number,
): StoredRecord {
  const int = (n: number) => Math.floor(random() * n);
  const day = new Date(start + int(365) * DAY_MS).toISOString().slice(0, 10);
  const price = 1_500_000 + int(5_000_000);
  const f = {
    dealNumber: `D${100_000 + i}`,
    saleDate: day,
    price,
    totalGross: 50_000 + int(500_000),
  };
  const r = rec('sale', `sale_${i}`, f);
  const u = random();
  if (u < 0.9) {
    r.customerId = customers[int(customers.length)]!;
    r.matchKey = u < 0.8 ? 'email' : 'namePostal';
    r.matchConfidence = u < 0.8 ? 'high' : 'medium';
  }
  return r;
}
