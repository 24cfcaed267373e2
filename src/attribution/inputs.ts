import type { StoredRecord } from '../records/merge.ts';
import type { LeadInput, SaleInput, SpendInput, TouchpointInput } from './types.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const cents = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
const CLICK_FIELDS = ['gclid', 'gbraid', 'wbraid', 'metaLeadId'] as const;

function clickIdsOf(r: StoredRecord): string[] {
  return CLICK_FIELDS.map((k) => str(r.f[`clickIds.${k}`])).filter(Boolean);
}

/** A stored canonical lead as attribution reads it (null when it has no valid createdAt). */
export function leadInput(r: StoredRecord): LeadInput | null {
  const createdAt = Date.parse(str(r.f.createdAt));
  if (Number.isNaN(createdAt)) return null;
  return {
    id: r.id,
    customerId: r.customerId ?? null,
    createdAt,
    channel: str(r.f.source) || 'other',
    campaignId: str(r.f.campaignId),
    clickIds: clickIdsOf(r),
  };
}

/** A stored canonical touchpoint as attribution reads it. */
export function touchpointInput(r: StoredRecord): TouchpointInput | null {
  const occurredAt = Date.parse(str(r.f.occurredAt));
  if (Number.isNaN(occurredAt)) return null;
  return {
    id: r.id,
    customerId: r.customerId ?? null,
    type: str(r.f.type),
    occurredAt,
    channel: str(r.f.channel) || 'other',
    campaignId: str(r.f.campaignId),
    leadId: str(r.f.leadId) || undefined,
    clickIds: clickIdsOf(r),
  };
}

/** A stored canonical sale; gross is totalGross, else front + back (integer cents). */
export function saleInput(r: StoredRecord): SaleInput | null {
  const saleDate = str(r.f.saleDate);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(saleDate)) return null;
  const total = r.f.totalGross;
  return {
    id: r.id,
    dealNumber: str(r.f.dealNumber),
    saleDate,
    customerId: r.customerId ?? null,
    matchKey: r.matchKey ?? null,
    matchConfidence: r.matchConfidence ?? null,
    priceCents: cents(r.f.price),
    grossCents:
      typeof total === 'number' ? cents(total) : cents(r.f.frontGross) + cents(r.f.backGross),
  };
}

/** A stored canonical spend row. */
export function spendInput(r: StoredRecord): SpendInput | null {
  const date = str(r.f.date);
  if (!date) return null;
  return {
    date,
    channel: str(r.f.channel) || 'other',
    campaignId: str(r.f.campaignId),
    amountCents: cents(r.f.amount),
  };
}
