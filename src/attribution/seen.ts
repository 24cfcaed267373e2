import type { StoredRecord } from '../records/merge.ts';
import { tenantDate } from './dates.ts';
import { leadInput, spendInput, touchpointInput } from './inputs.ts';
import { rollupField } from './rollups.ts';

/** Entities whose records attribution keeps a "seen" entry for (src/store/keys.ts `attrSeen`). */
export const SEEN_ENTITIES: ReadonlySet<string> = new Set(['lead', 'touchpoint', 'spend']);

/**
 * What attribution last accounted for one lead, touchpoint or spend row: the customer and instant
 * it was a touch of (so sales of the customer it left are re-attributed too), and the base rollup
 * field and amount it added (a lead adds 1 lead, a spend row its cents), so a change subtracts
 * exactly what was added.
 */
export interface Seen {
  customerId: string;
  /** Epoch ms of the touch, -1 when none. */
  t: number;
  /** Base rollup field it counts in, '' when none. */
  field: string;
  /** Leads: 1; spend: cents; touchpoints: 0. */
  amount: number;
}

/** The seen entry of a record as it is now (null: it counts for nothing). */
export function seenOf(r: StoredRecord, timeZone: string): Seen | null {
  if (r.entity === 'lead') {
    const l = leadInput(r);
    if (!l) return null;
    const field = rollupField(tenantDate(l.createdAt, timeZone), l.channel, l.campaignId);
    return { customerId: l.customerId ?? '', t: l.createdAt, field, amount: 1 };
  }
  if (r.entity === 'touchpoint') {
    const p = touchpointInput(r);
    return p && p.customerId
      ? { customerId: p.customerId, t: p.occurredAt, field: '', amount: 0 }
      : null;
  }
  if (r.entity === 'spend') {
    const s = spendInput(r);
    return s
      ? {
          customerId: '',
          t: -1,
          field: rollupField(s.date, s.channel, s.campaignId),
          amount: s.amountCents,
        }
      : null;
  }
  return null;
}

/** Stored form of a seen entry. */
export const encodeSeen = (s: Seen): string => `${s.customerId}\t${s.t}\t${s.amount}\t${s.field}`;

/** Parses `encodeSeen` output (null for an absent field). */
export function decodeSeen(text: string | null | undefined): Seen | null {
  if (!text) return null;
  const [customerId = '', t = '-1', amount = '0', ...field] = text.split('\t');
  return { customerId, t: Number(t), amount: Number(amount), field: field.join('\t') };
}
