/** The five attribution models of CLOSED-LOOP.md; `last_touch` is the default. */
export const MODELS = [
  'last_touch',
  'first_touch',
  'linear',
  'time_decay',
  'position_based',
] as const;

/** An attribution model. */
export type Model = (typeof MODELS)[number];

/** Touchpoint types that are credited; `email_open` and `email_bounce` never are. */
export const CREDITED_TYPES = ['ad_click', 'form_fill', 'email_click'] as const;

/** One marketing interaction of a customer (CLOSED-LOOP.md, "Touch"). */
export interface Touch {
  /** `lead:<id>` or `touchpoint:<id>`: ties in time are broken by this id. */
  id: string;
  customerId: string;
  /** Epoch ms of the touch (a lead's createdAt, a touchpoint's occurredAt). */
  t: number;
  channel: string;
  /** Empty when the source has none; reports show it as `(none)`. */
  campaignId: string;
  /** `lead` or the touchpoint type. */
  type: string;
  /** Record ids merged into this touch: the lead and the touchpoints that are the same touch. */
  sources: string[];
}

/** The lead fields attribution reads. */
export interface LeadInput {
  id: string;
  customerId: string | null;
  /** Epoch ms. */
  createdAt: number;
  channel: string;
  campaignId: string;
  /** gclid, gbraid, wbraid and Meta lead id values. */
  clickIds: string[];
}

/** The touchpoint fields attribution reads. */
export interface TouchpointInput {
  id: string;
  customerId: string | null;
  type: string;
  /** Epoch ms. */
  occurredAt: number;
  channel: string;
  campaignId: string;
  leadId?: string;
  clickIds: string[];
}

/** The sale fields attribution reads; money in integer cents. */
export interface SaleInput {
  id: string;
  dealNumber: string;
  /** Tenant date `YYYY-MM-DD`. */
  saleDate: string;
  customerId: string | null;
  matchKey: 'email' | 'phone' | 'namePostal' | null;
  matchConfidence: 'high' | 'medium' | null;
  priceCents: number;
  /** totalGross, else frontGross + backGross. */
  grossCents: number;
}

/** One spend row; amount in integer cents. */
export interface SpendInput {
  date: string;
  channel: string;
  campaignId: string;
  amountCents: number;
}
