import type { TenantSettings } from '../tenants/settings.ts';
import { dateOfDay, dayNumber, tenantDay } from './dates.ts';
import { Frac } from './fraction.ts';
import { modelWeights, type Weights } from './models.ts';
import { MODELS, type Model, type SaleInput, type Touch } from './types.ts';

/** Why a touch of the customer was not credited for a sale. */
export type LeftOutReason = 'after_sale' | 'before_lookback' | 'match_below_minimum';

/** A touch as a sale sees it: its tenant date and age in days. */
export interface DatedTouch extends Touch {
  date: string;
  /** `D − d(t)` in whole days. */
  delta: number;
}

/** A touch in the window with its exact credit (`n/d`) under every model. */
export interface CreditedTouch extends DatedTouch {
  credits: Record<Model, string>;
}

/** One sale's attribution: what the report, the rollups and "explain" read. */
export interface SaleAttribution {
  saleId: string;
  dealNumber: string;
  saleDate: string;
  customerId: string | null;
  matchKey: SaleInput['matchKey'];
  matchConfidence: SaleInput['matchConfidence'];
  /** False for no customer or a match weaker than `minMatchConfidence`. */
  matched: boolean;
  priceCents: number;
  grossCents: number;
  /** Ordered by time, then touch id; empty means unattributed. */
  touches: CreditedTouch[];
  leftOut: (DatedTouch & { reason: LeftOutReason })[];
}

/** The settings attributing a sale reads. */
export type AttributionSettings = Pick<
  TenantSettings,
  'timeZone' | 'lookbackDays' | 'halfLifeDays' | 'minMatchConfidence'
>;

/**
 * A sale's attribution as computed, its credits not yet spelled out as texts: what is stored
 * (state.ts `encodeAttribution`) and what the rollups add up (`RollupBuilder.addSale`).
 */
export interface CoreAttribution extends Omit<SaleAttribution, 'touches' | 'leftOut'> {
  /** Ordered by time, then touch id; empty means unattributed. */
  touches: DatedTouch[];
  /** Per model (MODELS order), the touches' credits. */
  weights: Weights[];
}

/**
 * Attributes one sale to the touches of its customer (CLOSED-LOOP.md, "Which touches a sale
 * credits"): a touch is in the window when `D − lookbackDays ≤ d(t) ≤ D` in the tenant zone.
 * `touches` are the customer's touches (any order); each sale stands alone. `leftOut` lists the
 * others unless `withLeftOut` is false (what is stored has none: explain works it out).
 */
export function attributeSale(
  sale: SaleInput,
  touches: readonly Touch[],
  settings: AttributionSettings,
  withLeftOut = true,
): SaleAttribution {
  const leftOut: SaleAttribution['leftOut'] = [];
  const a = spellOut(attributeCore(sale, touches, settings, withLeftOut ? leftOut : undefined));
  a.leftOut = leftOut.sort(byTime);
  return a;
}

/**
 * `attributeSale` without the credit texts (what a recompute stores and adds up); the touches
 * left out are pushed to `leftOut` when given (unordered).
 */
export function attributeCore(
  sale: SaleInput,
  touches: readonly Touch[],
  settings: AttributionSettings,
  leftOut?: SaleAttribution['leftOut'],
): CoreAttribution {
  return attributeForm(sale, touches, TOUCH, settings, leftOut);
}

/**
 * How `attributeForm` reads touches held in another form (e.g. packed, as a recompute reads
 * them): a touch's time, and the dated touch it is when it enters a sale's window (only those
 * are built).
 */
export interface TouchForm<T> {
  t(x: T): number;
  dated(x: T, customerId: string, date: string, delta: number): DatedTouch;
}

const TOUCH: TouchForm<Touch> = {
  t: (x) => x.t,
  dated: (x, _customerId, date, delta) => ({ ...x, date, delta }),
};

/** `attributeCore` over touches of any form (of the sale's customer). */
export function attributeForm<T>(
  sale: SaleInput,
  touches: readonly T[],
  form: TouchForm<T>,
  settings: AttributionSettings,
  leftOut?: SaleAttribution['leftOut'],
): CoreAttribution {
  const day = dayNumber(sale.saleDate);
  const matched =
    sale.customerId !== null &&
    (settings.minMatchConfidence === 'medium' || sale.matchConfidence === 'high');
  const inWindow: DatedTouch[] = [];
  const customerId = sale.customerId ?? '';
  for (const x of touches) {
    const td = tenantDay(form.t(x), settings.timeZone);
    const delta = day - td;
    const reason: LeftOutReason | null = !matched
      ? 'match_below_minimum'
      : delta < 0
        ? 'after_sale'
        : delta > settings.lookbackDays
          ? 'before_lookback'
          : null;
    if (!reason) inWindow.push(form.dated(x, customerId, dateOfDay(td), delta));
    else leftOut?.push({ ...form.dated(x, customerId, dateOfDay(td), delta), reason });
  }
  inWindow.sort(byTime);
  const deltas = inWindow.map((t) => t.delta);
  return {
    saleId: sale.id,
    dealNumber: sale.dealNumber,
    saleDate: sale.saleDate,
    customerId: sale.customerId,
    matchKey: sale.matchKey,
    matchConfidence: sale.matchConfidence,
    matched,
    priceCents: sale.priceCents,
    grossCents: sale.grossCents,
    touches: inWindow,
    weights: MODELS.map((m) => modelWeights(m, deltas, settings.halfLifeDays)),
  };
}

/** `core` with each touch's credit under every model spelled out (reduced), no `leftOut`. */
export function spellOut(core: CoreAttribution): SaleAttribution {
  const { weights, touches, ...sale } = core;
  const texts = weights.map(creditTexts);
  const a: SaleAttribution = {
    ...sale,
    touches: touches.map((t, i) => {
      const c = {} as Record<Model, string>;
      MODELS.forEach((m, j) => (c[m] = texts[j]![i]!));
      return { ...t, credits: c };
    }),
    leftOut: [],
  };
  computed.set(a, weights);
  return a;
}

/** The credits `attributeSale` computed, per model (MODELS order). */
const computed = new WeakMap<SaleAttribution, Weights[]>();

/**
 * The exact credits of `a`'s touches under `MODELS[m]` as computed or decoded (what
 * `touches[i].credits` spells, reduced), or undefined for an attribution built otherwise.
 */
export const computedWeights = (a: SaleAttribution, m: number): Weights | undefined =>
  computed.get(a)?.[m];

/** Credit texts of weights (those of a touch count are shared by every sale with that count). */
const countTexts = new WeakMap<Weights, string[]>();

/** Each touch's credit of `w` as `Frac.toString()` spells it (reduced). */
function creditTexts(w: Weights): string[] {
  let texts = countTexts.get(w);
  if (!texts) {
    texts = w.nums.map((x) => new Frac(x, w.den).toString());
    countTexts.set(w, texts);
  }
  return texts;
}

const byTime = (a: Touch, b: Touch) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
