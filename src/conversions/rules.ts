import { CREDITED_TYPES } from '../attribution/types.ts';
import { tenantDate } from '../attribution/dates.ts';
import type { Conversion } from '../canonical/index.ts';
import type { StoredRecord } from '../records/merge.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import { daysBefore, isoInZone, noonOf } from './time.ts';
import { hasStrongIdentifier, userOfPerson } from './user.ts';

/**
 * Google click conversions look back `D − 90 … D` (tenant dates), whatever the tenant's lookback
 * (CLOSED-LOOP.md, "Outcomes sent back").
 */
export const GOOGLE_CLICK_WINDOW_DAYS = 90;
/** Google click id kinds, in the order one is chosen when a record carries several. */
export const GOOGLE_CLICK_ID_TYPES = ['gclid', 'gbraid', 'wbraid'] as const;
/** Lead stages sent to Meta as CRM events (CLOSED-LOOP.md, "Outcomes sent back"). */
export const META_CRM_STAGES: ReadonlySet<string> = new Set([
  'contacted',
  'appointment',
  'shown',
  'sold',
]);
/** A click later on the sale's day than noon: the conversion goes this long after it. */
const AFTER_LATE_CLICK_MS = 60_000;

const CREDITED = new Set<string>(CREDITED_TYPES);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** What the rules know of a sale: it, its customer, and the customer's leads and touchpoints. */
export interface SaleFacts {
  sale: StoredRecord;
  /** The sale's (surviving) customer; null when the sale matched nobody. */
  customer: StoredRecord | null;
  leads: readonly StoredRecord[];
  touchpoints: readonly StoredRecord[];
  settings: Pick<TenantSettings, 'timeZone' | 'currency' | 'lookbackDays'>;
}

/** A customer's touch as the rules see it: its record and its time. */
interface Touch {
  key: string;
  rec: StoredRecord;
  t: number;
}

/** Leads (at createdAt) and credited touchpoints (at occurredAt) dated `from … to`, oldest first. */
function touchesIn(facts: SaleFacts, from: string, to: string): Touch[] {
  const { timeZone } = facts.settings;
  const out: Touch[] = [];
  const add = (kind: string, rec: StoredRecord, field: string) => {
    const t = Date.parse(str(rec.f[field]));
    if (Number.isNaN(t)) return;
    const d = tenantDate(t, timeZone);
    if (d >= from && d <= to) out.push({ key: `${kind}:${rec.id}`, rec, t });
  };
  for (const l of facts.leads) add('lead', l, 'createdAt');
  for (const tp of facts.touchpoints)
    if (CREDITED.has(str(tp.f.type))) add('touchpoint', tp, 'occurredAt');
  return out.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The sale's value: total gross, else front + back (integer cents); undefined when it has none. */
export function grossOf(sale: StoredRecord): number | undefined {
  const { totalGross, frontGross, backGross } = sale.f;
  if (typeof totalGross === 'number') return totalGross;
  if (typeof frontGross !== 'number' && typeof backGross !== 'number') return undefined;
  return (
    (typeof frontGross === 'number' ? frontGross : 0) +
    (typeof backGross === 'number' ? backGross : 0)
  );
}

/** Fields every conversion of a sale shares. */
function saleBase(facts: SaleFacts, deal: string) {
  const { sale, customer, settings } = facts;
  const base: Partial<Conversion> = { saleId: sale.id, orderId: deal };
  const value = grossOf(sale);
  if (value !== undefined) {
    base.valueCents = value;
    base.currency = str(sale.f.currency) || settings.currency;
  }
  if (customer) base.customerId = customer.id;
  return base;
}

/** `D` at noon, or one minute after `t` when `t` came later that day (tenant zone). */
function conversionTime(date: string, t: number | null, timeZone: string): string {
  const noon = noonOf(date, timeZone);
  const at = t !== null && t > noon ? Math.floor(t / 1000) * 1000 + AFTER_LATE_CLICK_MS : noon;
  return isoInZone(at, timeZone);
}

/**
 * The Google Ads conversion of a sale: a click conversion for the most recent touch with a
 * gclid, gbraid or wbraid dated `D − 90 … D`; else, when the customer has a Google lead in that
 * window and an email or phone, an enhanced conversion for leads; else none.
 */
export function googleConversion(facts: SaleFacts): Conversion | null {
  const deal = str(facts.sale.f.dealNumber);
  const date = str(facts.sale.f.saleDate);
  if (!deal || !date) return null;
  const { timeZone } = facts.settings;
  const window = touchesIn(facts, daysBefore(date, GOOGLE_CLICK_WINDOW_DAYS), date);
  const clickOf = (t: Touch) => GOOGLE_CLICK_ID_TYPES.find((k) => str(t.rec.f[`clickIds.${k}`]));
  const click = window.filter((t) => clickOf(t)).at(-1);
  const common = {
    id: `google-ads:${deal}`,
    destination: 'google-ads' as const,
    eventName: 'purchase',
    eventId: deal,
    ...saleBase(facts, deal),
  };
  if (click) {
    const type = clickOf(click)!;
    // The person goes along too: the sink sends it hashed only when the connection asks for
    // identifiers on click conversions (google-ads `userIdentifiers: always`).
    const user = userOfPerson(
      facts.customer?.f,
      click.rec.entity === 'lead' ? click.rec.f : undefined,
    );
    return {
      ...common,
      kind: 'click',
      eventTime: conversionTime(date, click.t, timeZone),
      clickIdType: type,
      clickId: str(click.rec.f[`clickIds.${type}`]),
      ...(click.rec.entity === 'lead' ? { leadId: click.rec.id } : {}),
      ...(hasStrongIdentifier(user) ? { user } : {}),
    };
  }
  const lead = window.filter((t) => t.rec.entity === 'lead' && t.rec.f.source === 'google').at(-1);
  if (!lead) return null;
  const user = userOfPerson(facts.customer?.f, lead.rec.f);
  if (!hasStrongIdentifier(user)) return null;
  return {
    ...common,
    kind: 'enhanced_lead',
    eventTime: conversionTime(date, lead.t, timeZone),
    leadId: lead.rec.id,
    user,
  };
}

/**
 * The Meta `Purchase` of a sale: for the most recent lead with a Meta lead id in the sale's
 * window (`D − lookbackDays … D`), at `D` 12:00 tenant time, valued at the total gross.
 */
export function metaPurchase(facts: SaleFacts): Conversion | null {
  const deal = str(facts.sale.f.dealNumber);
  const date = str(facts.sale.f.saleDate);
  if (!deal || !date) return null;
  const { timeZone, lookbackDays } = facts.settings;
  const window = touchesIn(facts, daysBefore(date, lookbackDays), date);
  const lead = window
    .filter((t) => t.rec.entity === 'lead' && str(t.rec.f['clickIds.metaLeadId']))
    .at(-1);
  if (!lead) return null;
  const metaLeadId = str(lead.rec.f['clickIds.metaLeadId']);
  const { orderId: _order, ...base } = saleBase(facts, deal);
  const user = userOfPerson(facts.customer?.f, lead.rec.f);
  return {
    ...base,
    id: `meta:${metaLeadId}:Purchase:${deal}`,
    destination: 'meta',
    kind: 'purchase',
    eventName: 'Purchase',
    eventId: `${metaLeadId}:Purchase:${deal}`,
    eventTime: isoInZone(noonOf(date, timeZone), timeZone),
    metaLeadId,
    leadId: lead.rec.id,
    ...(Object.keys(user).length ? { user } : {}),
  };
}

/**
 * The Meta CRM events of a lead with a Meta lead id: one per stage it entered among contacted,
 * appointment, shown and sold, at the time it first entered it. A lead kept before stage
 * histories existed counts its current stage at `stageChangedAt`.
 */
export function metaStageEvents(
  lead: StoredRecord,
  customer: StoredRecord | null,
  timeZone: string,
): Conversion[] {
  const metaLeadId = str(lead.f['clickIds.metaLeadId']);
  if (!metaLeadId) return [];
  const history = Array.isArray(lead.f.stageHistory)
    ? (lead.f.stageHistory as { stage?: unknown; at?: unknown }[])
    : [{ stage: lead.f.stage, at: lead.f.stageChangedAt }];
  const user = userOfPerson(customer?.f, lead.f);
  const out = new Map<string, Conversion>();
  for (const e of history) {
    const stage = str(e.stage);
    const at = Date.parse(str(e.at));
    if (!META_CRM_STAGES.has(stage) || Number.isNaN(at) || out.has(stage)) continue;
    out.set(stage, {
      id: `meta:${metaLeadId}:${stage}`,
      destination: 'meta',
      kind: 'crm_stage',
      eventName: stage,
      eventId: `${metaLeadId}:${stage}`,
      eventTime: isoInZone(at, timeZone),
      metaLeadId,
      leadId: lead.id,
      ...(customer ? { customerId: customer.id } : {}),
      ...(Object.keys(user).length ? { user } : {}),
    });
  }
  return [...out.values()];
}

/** Every conversion of one sale (Google, then Meta). */
export function saleConversions(facts: SaleFacts): Conversion[] {
  return [googleConversion(facts), metaPurchase(facts)].filter((c): c is Conversion => !!c);
}
