import type { HubSpotPortal } from '../sandbox/hubspot/portal.ts';
import { Rng } from './people.ts';
import type { Story, StoryLead } from './story.ts';

/** The store's salespeople as HubSpot owners, and how fast each answers a new lead (minutes). */
export const SALESPEOPLE = [
  { ownerId: '71000001', name: 'Kim Tran', answer: [4, 40] },
  { ownerId: '71000002', name: 'Luis Ortega', answer: [10, 180] },
  { ownerId: '71000003', name: 'Dana Brooks', answer: [30, 600] },
  { ownerId: '71000004', name: 'Ray Patel', answer: [60, 1_440] },
] as const;

/** Share of leads nobody answers (the accountability page's unanswered list). */
const UNANSWERED = 0.06;
/** Share of leads that are not buyers and still book an appointment; half of those show. */
const APPOINTMENTS = 0.25;
const CONNECTED = 'f240bbac-87c9-4f6e-bf70-924b57d47db7';
const NO_ANSWER = '73a0d17f-1163-4015-bdd5-ec830791da20';
const MINUTE = 60_000;

/** What the salespeople did in HubSpot. */
export interface CrmPlayed {
  calls: number;
  emails: number;
  meetings: number;
  appointments: number;
  shown: number;
}

/** A deal on its way: its id, contact and the stages it reaches, with when. */
interface DealPlan {
  id: string;
  appointmentAt: number;
  shownAt?: number;
}

/**
 * The salespeople work the leads the hub wrote into HubSpot: a first call (or none), often an
 * email, and for buyers and some others a deal that reaches an appointment and then a showing,
 * with a meeting. Engagements and deals are HubSpot objects associated with the contact; the
 * hub reads them through the real connector. Returns the deals in two rounds of stage changes.
 */
export function workLeads(portal: HubSpotPortal, story: Story, seed = 11) {
  const rng = new Rng(seed);
  for (const p of SALESPEOPLE) {
    const [firstName, lastName] = p.name.split(' ') as [string, string];
    const email = `${firstName}.${lastName}@lonestarmotors.example`.toLowerCase();
    portal.owners.push({ id: p.ownerId, firstName, lastName, email });
  }
  const buyers = new Set(story.sales.flatMap((s) => (s.lead ? [s.lead] : [])));
  const played: CrmPlayed = { calls: 0, emails: 0, meetings: 0, appointments: 0, shown: 0 };
  const deals: DealPlan[] = [];
  const latest = story.now - 5 * MINUTE;
  const at = (t: number) => new Date(Math.min(t, latest)).toISOString();
  for (const lead of story.leads) {
    const contact = portal.contactByEmail(lead.person.email);
    if (!contact) continue;
    const rep = SALESPEOPLE[rng.int(0, SALESPEOPLE.length - 1)]!;
    const link = (type: string, id: string) => portal.associate(type, id, 'contacts', contact.id);
    const buyer = buyers.has(lead);
    if (!buyer && rng.next() < UNANSWERED) continue;
    const called = lead.createdAt + rng.int(rep.answer[0], rep.answer[1]) * MINUTE;
    link('calls', portal.add('calls', call(rep.ownerId, lead, rng), at(called)));
    played.calls++;
    if (rng.next() < 0.5) {
      link('emails', portal.add('emails', email(rep.ownerId, lead), at(called + 20 * MINUTE)));
      played.emails++;
    }
    if (!buyer && rng.next() >= APPOINTMENTS) continue;
    const plan = dealPlan(portal, lead, rep.ownerId, called, buyer || rng.next() < 0.5, rng);
    link('deals', plan.id);
    deals.push(plan);
    played.appointments++;
    if (plan.shownAt) played.shown++;
    const meeting = {
      ...meetingOf(rep.ownerId, lead),
      hs_meeting_start_time: at(plan.appointmentAt),
    };
    link('meetings', portal.add('meetings', meeting, at(called + 30 * MINUTE)));
    played.meetings++;
  }
  return { played, deals };
}

function call(ownerId: string, lead: StoryLead, rng: Rng): Record<string, string> {
  const connected = rng.next() < 0.7;
  return {
    hubspot_owner_id: ownerId,
    hs_call_direction: 'OUTBOUND',
    hs_call_disposition: connected ? CONNECTED : NO_ANSWER,
    hs_call_duration: String(connected ? rng.int(60, 900) * 1000 : 0),
    hs_call_status: 'COMPLETED',
    hs_call_title: `First call: ${lead.vehicle.model}`,
  };
}

const email = (ownerId: string, lead: StoryLead): Record<string, string> => ({
  hubspot_owner_id: ownerId,
  hs_email_direction: 'EMAIL',
  hs_email_subject: `Your ${lead.vehicle.model} at Lone Star Motors`,
  hs_email_status: 'SENT',
});

const meetingOf = (ownerId: string, lead: StoryLead): Record<string, string> => ({
  hubspot_owner_id: ownerId,
  hs_meeting_title: `Test drive: ${lead.vehicle.model}`,
  hs_meeting_outcome: 'SCHEDULED',
});

function dealPlan(
  portal: HubSpotPortal,
  lead: StoryLead,
  ownerId: string,
  called: number,
  shows: boolean,
  rng: Rng,
): DealPlan {
  const appointmentAt = called + rng.int(2, 72) * 60 * MINUTE;
  const id = portal.add(
    'deals',
    {
      dealname: `${lead.person.lastName} - ${lead.vehicle.model}`,
      pipeline: 'default',
      dealstage: 'qualifiedtobuy',
      hubspot_owner_id: ownerId,
    },
    new Date(called).toISOString(),
  );
  return {
    id,
    appointmentAt,
    ...(shows ? { shownAt: appointmentAt + rng.int(1, 4) * 1440 * MINUTE } : {}),
  };
}

/**
 * Moves the deals to the stage of `round` (1: appointment booked, 2: showed up) at their own
 * times (never after `now`), as the salespeople would in HubSpot over the quarter.
 */
export function moveDeals(portal: HubSpotPortal, deals: DealPlan[], round: 1 | 2, now: number) {
  for (const d of deals) {
    const t = round === 1 ? d.appointmentAt : d.shownAt;
    if (t === undefined) continue;
    const stage = round === 1 ? 'appointmentscheduled' : 'presentationscheduled';
    portal.add(
      'deals',
      { dealstage: stage },
      new Date(Math.min(t, now - 60_000)).toISOString(),
      d.id,
    );
  }
}
