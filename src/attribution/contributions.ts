import type { SaleAttribution } from './attribute.ts';
import { Frac } from './fraction.ts';
import { quantize } from './models.ts';
import type { Model } from './types.ts';

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
  let cs = sale.touches.map((t) => Frac.parse(t.credits[model]));
  if (model === 'time_decay') cs = quantize(cs);
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
