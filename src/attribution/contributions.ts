import { computedWeights, type SaleAttribution } from './attribute.ts';
import { Frac } from './fraction.ts';
import { quantize, ratios, type Ratio } from './models.ts';
import { MODELS, type Model } from './types.ts';

/** Channel of the report row that holds sales without a touch in their window. */
export const UNATTRIBUTED = 'unattributed';

/** What one sale adds to one (channel, campaign) under one model: credit, gross and revenue. */
export interface Contribution {
  channel: string;
  campaignId: string;
  sold: Frac;
  /** credit × gross cents, exact. */
  gross: Frac;
  /** credit × price cents, exact. */
  revenue: Frac;
}

/**
 * One sale's credit under `model` per (channel, campaign) it credits (a campaign's credit is the
 * sum of its touches' credits), or 1 to the `unattributed` row. time_decay credits are quantized
 * to 1/10^40 first (models.ts, `quantize`) so sums stay small.
 */
export function credited(
  sale: SaleAttribution,
  model: Model,
): Pick<Contribution, 'channel' | 'campaignId' | 'sold'>[] {
  if (sale.touches.length === 0) return [{ channel: UNATTRIBUTED, campaignId: '', sold: Frac.ONE }];
  // time_decay's long credits are quantized as read (quantize needs no reduced fraction);
  // the other models' few distinct credits are parsed once each.
  // Those just computed are taken as they are.
  const w = computedWeights(sale, MODELS.indexOf(model));
  const cs =
    model === 'time_decay'
      ? quantize(w ? ratios(w) : sale.touches.map((t) => ratioOf(t.credits[model])))
      : w
        ? w.nums.map((x) => (x === 0n ? Frac.ZERO : new Frac(x, w.den)))
        : sale.touches.map((t) => parsedCredit(t.credits[model]));
  const byKey = new Map<string, Pick<Contribution, 'channel' | 'campaignId' | 'sold'>>();
  sale.touches.forEach((t, i) => {
    const c = cs[i]!;
    if (c.isZero()) return;
    const key = `${t.channel}\u0000${t.campaignId}`;
    const prev = byKey.get(key);
    byKey.set(key, {
      channel: t.channel,
      campaignId: t.campaignId,
      sold: prev ? prev.sold.add(c) : c,
    });
  });
  return [...byKey.values()];
}

const ratioOf = (text: string): Ratio => {
  const slash = text.indexOf('/');
  return slash < 0
    ? { n: BigInt(text), d: 1n }
    : { n: BigInt(text.slice(0, slash)), d: BigInt(text.slice(slash + 1)) };
};

/** Credits parsed so far (linear, position-based, first and last touch: a few hundred values). */
const parsed = new Map<string, Frac>();

function parsedCredit(text: string): Frac {
  let f = parsed.get(text);
  if (!f) {
    if (parsed.size >= 10_000) parsed.clear();
    parsed.set(text, (f = Frac.parse(text)));
  }
  return f;
}

/** One sale's contributions under `model`: its credit (`credited`) with gross and revenue. */
export function contributions(sale: SaleAttribution, model: Model): Contribution[] {
  const price = Frac.of(sale.priceCents);
  const gross = Frac.of(sale.grossCents);
  return credited(sale, model).map((c) => ({
    ...c,
    gross: c.sold.mul(gross),
    revenue: c.sold.mul(price),
  }));
}
