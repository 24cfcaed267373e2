import { CREDITED_TYPES, type LeadInput, type Touch, type TouchpointInput } from './types.ts';

const CREDITED = new Set<string>(CREDITED_TYPES);

/**
 * The touches of a set of leads and touchpoints (CLOSED-LOOP.md, "Touch"): every lead at its
 * createdAt; every credited touchpoint, except that one naming a lead (`leadId`), or an ad click
 * sharing a click id with a lead, is that lead's touch (counted once, at the lead's time).
 * Records without a customer make no touch. Sorted by time, then touch id.
 */
export function buildTouches(leads: LeadInput[], touchpoints: TouchpointInput[]): Touch[] {
  const byLead = new Map<string, Touch>();
  const byClick = new Map<string, Touch>();
  const touches: Touch[] = [];
  for (const lead of leads) {
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
    byLead.set(lead.id, touch);
    for (const c of lead.clickIds) if (!byClick.has(c)) byClick.set(c, touch);
    touches.push(touch);
  }
  for (const tp of touchpoints) {
    if (!tp.customerId || !CREDITED.has(tp.type)) continue;
    const same =
      (tp.leadId ? byLead.get(tp.leadId) : undefined) ??
      (tp.type === 'ad_click' ? tp.clickIds.map((c) => byClick.get(c)).find(Boolean) : undefined);
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
  return a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
