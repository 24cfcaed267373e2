import { CREDITED_TYPES, type LeadInput, type Touch, type TouchpointInput } from './types.ts';

const CREDITED = new Set<string>(CREDITED_TYPES);

/**
 * The touches of a set of leads and touchpoints (CLOSED-LOOP.md, "Touch"): every lead at its
 * createdAt; every credited touchpoint, except that one naming a lead (`leadId`), or an ad click
 * sharing a click id with a lead, is that lead's touch (counted once, at the lead's time).
 * "Same touch" is decided within one customer (README "Attribution"): a customer's touches
 * depend only on the customer's own records, so re-attributing one customer's sales reads only
 * that customer's timeline and gives what a full recompute gives.
 * Records without a customer make no touch. Sorted by time, then touch id.
 */
export function buildTouches(leads: LeadInput[], touchpoints: TouchpointInput[]): Touch[] {
  const byLead = new Map<string, Touch>();
  const byClick = new Map<string, Touch>();
  const touches: Touch[] = [];
  // Earliest lead first (ties by id), so the lead a shared click id names never depends on the
  // order records were read in.
  const ordered = [...leads].sort((a, b) => a.createdAt - b.createdAt || cmpId(a.id, b.id));
  for (const lead of ordered) {
    if (!lead.customerId) continue;
    const touch: Touch = {
      id: `lead:${lead.id}`,
      customerId: lead.customerId,
      t: lead.createdAt,
      channel: lead.channel,
      campaignId: lead.campaignId,
      type: 'lead',
      sources: [`lead:${lead.id}`],
    };
    byLead.set(`${lead.customerId}\u0000${lead.id}`, touch);
    for (const c of lead.clickIds) {
      const key = `${lead.customerId}\u0000${c}`;
      if (!byClick.has(key)) byClick.set(key, touch);
    }
    touches.push(touch);
  }
  for (const tp of touchpoints) {
    if (!tp.customerId || !CREDITED.has(tp.type)) continue;
    const own = `${tp.customerId}\u0000`;
    let same = tp.leadId ? byLead.get(own + tp.leadId) : undefined;
    if (!same && tp.type === 'ad_click')
      for (const c of tp.clickIds) if ((same = byClick.get(own + c))) break;
    if (same) {
      same.sources.push(`touchpoint:${tp.id}`);
      continue;
    }
    touches.push({
      id: `touchpoint:${tp.id}`,
      customerId: tp.customerId,
      t: tp.occurredAt,
      channel: tp.channel,
      campaignId: tp.campaignId,
      type: tp.type,
      sources: [`touchpoint:${tp.id}`],
    });
  }
  for (const t of touches) t.sources.sort();
  return touches.sort(compareTouches);
}

/** Order of touches: by time, ties by touch id. */
export function compareTouches(a: Touch, b: Touch): number {
  return a.t - b.t || cmpId(a.id, b.id);
}

const cmpId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
