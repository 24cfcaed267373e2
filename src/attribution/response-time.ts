import { tenantDate } from './dates.ts';

/** Activity types that answer a lead (outbound only). */
export const RESPONSE_TYPES = ['call', 'email', 'text'] as const;

/** A lead answered later than this (or never, once this old) is unanswered; exactly 24 h is answered. */
export const UNANSWERED_AFTER_MS = 24 * 3_600_000;

/** The lead fields response time reads. */
export interface RtLead {
  id: string;
  customerId: string | null;
  /** Epoch ms. */
  createdAt: number;
  assignedTo?: string;
}

/** The activity fields response time reads. */
export interface RtActivity {
  customerId: string | null;
  type: string;
  direction?: string;
  /** Epoch ms. */
  occurredAt: number;
  user?: string;
}

/** Response-time figures of one group of leads (the store, or one salesperson). */
export interface ResponseStats {
  leads: number;
  answered: number;
  /** Over the answered leads; null when none. Milliseconds. */
  medianMs: number | null;
  p90Ms: number | null;
  /** Leads answered within the SLA (inclusive) over all leads, as `n/d`, and to 4 decimals. */
  withinSla: string;
  withinSlaShare: string | null;
  unanswered: number;
  pending: number;
}

/** A lead with no response within 24 hours: never answered, or answered later. */
export interface UnansweredLead {
  leadId: string;
  customerId: string | null;
  /** ISO instant of the lead. */
  createdAt: string;
  salesperson: string;
  /** Milliseconds to the late answer; null when never answered. */
  answeredAfterMs: number | null;
}

/** The response-time report: the store and each salesperson, and the unanswered leads. */
export interface ResponseReport {
  from: string;
  to: string;
  slaMinutes: number;
  store: ResponseStats;
  salespeople: ({ salesperson: string } & ResponseStats)[];
  /** Oldest first. */
  unansweredLeads: UnansweredLead[];
}

interface Answer {
  lead: RtLead;
  person: string;
  ms: number | null;
  pending: boolean;
}

/** Whether an answer counts as unanswered: none within 24 h (exactly 24 h is answered). */
const isUnanswered = (a: Answer) =>
  (a.ms === null && !a.pending) || (a.ms !== null && a.ms > UNANSWERED_AFTER_MS);

/** The responses (outbound call, email or text) among `activities`, by customer, oldest first. */
export function responsesByCustomer(activities: readonly RtActivity[]): Map<string, RtActivity[]> {
  const byCustomer = new Map<string, RtActivity[]>();
  for (const a of activities)
    if (
      a.customerId &&
      a.direction === 'outbound' &&
      (RESPONSE_TYPES as readonly string[]).includes(a.type)
    )
      (byCustomer.get(a.customerId) ?? byCustomer.set(a.customerId, []).get(a.customerId)!).push(a);
  for (const list of byCustomer.values()) list.sort((a, b) => a.occurredAt - b.occurredAt);
  return byCustomer;
}

/** A lead's first response: the first of its customer's responses at or after its createdAt. */
export function firstResponse(
  lead: RtLead,
  byCustomer: ReadonlyMap<string, readonly RtActivity[]>,
): RtActivity | undefined {
  return lead.customerId
    ? byCustomer.get(lead.customerId)?.find((a) => a.occurredAt >= lead.createdAt)
    : undefined;
}

/**
 * Response time per CLOSED-LOOP.md: from a lead's createdAt to the first outbound call, email or
 * text on the same customer at or after it, for leads created in `[from, to]` (tenant dates).
 * The salesperson is the answering activity's user, else the lead's assignedTo, else `(unassigned)`.
 */
export function responseTimeReport(
  leads: readonly RtLead[],
  activities: readonly RtActivity[],
  o: { from: string; to: string; timeZone: string; slaMinutes: number; now: number },
): ResponseReport {
  const byCustomer = responsesByCustomer(activities);
  const answers: Answer[] = [];
  for (const lead of leads) {
    const d = tenantDate(lead.createdAt, o.timeZone);
    if (d < o.from || d > o.to) continue;
    const first = firstResponse(lead, byCustomer);
    answers.push({
      lead,
      person: first?.user ?? lead.assignedTo ?? '(unassigned)',
      ms: first ? first.occurredAt - lead.createdAt : null,
      pending: !first && o.now - lead.createdAt < UNANSWERED_AFTER_MS,
    });
  }
  const people = [...new Set(answers.map((a) => a.person))].sort();
  return {
    from: o.from,
    to: o.to,
    slaMinutes: o.slaMinutes,
    store: stats(answers, o.slaMinutes),
    salespeople: people.map((p) => ({
      salesperson: p,
      ...stats(
        answers.filter((a) => a.person === p),
        o.slaMinutes,
      ),
    })),
    unansweredLeads: answers
      .filter(isUnanswered)
      .sort((a, b) => a.lead.createdAt - b.lead.createdAt || cmp(a.lead.id, b.lead.id))
      .map((a) => ({
        leadId: a.lead.id,
        customerId: a.lead.customerId,
        createdAt: new Date(a.lead.createdAt).toISOString(),
        salesperson: a.person,
        answeredAfterMs: a.ms,
      })),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function stats(answers: readonly Answer[], slaMinutes: number): ResponseStats {
  const times = answers.flatMap((a) => (a.ms === null ? [] : [a.ms])).sort((a, b) => a - b);
  const within = times.filter((ms) => ms <= slaMinutes * 60_000).length;
  return {
    leads: answers.length,
    answered: times.length,
    medianMs: percentile(times, 0.5),
    p90Ms: percentile(times, 0.9),
    withinSla: `${within}/${answers.length}`,
    withinSlaShare: answers.length ? (within / answers.length).toFixed(4) : null,
    unanswered: answers.filter(isUnanswered).length,
    pending: answers.filter((a) => a.pending).length,
  };
}

/** Percentile of sorted values, linear interpolation between ranks (rank p·(n−1)), to the ms. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return Math.round(sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo));
}

/** A duration for people: `45s`, `12m 05s`, `3h 20m`, `2d 4h`; `-` for null. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
