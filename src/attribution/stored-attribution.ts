import {
  spellOut,
  type CoreAttribution,
  type DatedTouch,
  type SaleAttribution,
} from './attribute.ts';
import { dateOfDay, dayNumber } from './dates.ts';
import { modelWeights, type Weights } from './models.ts';
import { MODELS, type SaleInput } from './types.ts';

/**
 * A sale's attribution as stored in its generation's `sales` hash, without `leftOut` (explain
 * works that out when asked), so the stored value depends only on the sale and the touches that
 * can enter its window.
 *
 * Two forms are read. Version 1 (before this form) is the `SaleAttribution` as JSON, every
 * credit spelled out: a time-decay credit is a reduced fraction of two 40-digit numbers, whose
 * reduction was most of a recompute's time. Version 2, written now, is a JSON array
 * `[2, saleId, dealNumber, saleDate, customerId, matchKey, matchConfidence, matched, priceCents,
 * grossCents, touches, decay]`: each touch `[id, t, type, channel, campaignId, sources, delta,
 * customerId]` (sources 0: just `[id]`; customerId 0: the sale's), and `decay` the time-decay
 * weights' numerators (their sum is the denominator; 0 for fewer than two touches). The other
 * models' credits follow from the number of touches, the dates from the sale date and `delta`.
 * A hub in service holds version 1 until a recompute or the incremental reader rewrites a sale;
 * both read the same.
 */
export function encodeAttribution(a: CoreAttribution): string {
  const touches = a.touches.map((t): PackedTouch => {
    const own = t.sources.length === 1 && t.sources[0] === t.id;
    const customer = t.customerId === a.customerId ? 0 : t.customerId;
    return [t.id, t.t, t.type, t.channel, t.campaignId, own ? 0 : t.sources, t.delta, customer];
  });
  const decay = a.touches.length < 2 ? 0 : a.weights[DECAY]!.nums.map(String);
  const packed: Packed = [
    2,
    a.saleId,
    a.dealNumber,
    a.saleDate,
    a.customerId,
    a.matchKey,
    a.matchConfidence,
    a.matched ? 1 : 0,
    a.priceCents,
    a.grossCents,
    touches,
    decay,
  ];
  return JSON.stringify(packed);
}

/** Parses either stored form (see `encodeAttribution`); the credits are spelled out, reduced. */
export function decodeAttribution(text: string): SaleAttribution {
  if (text.startsWith('{')) return JSON.parse(text) as SaleAttribution;
  const p = JSON.parse(text) as Packed;
  if (p[0] !== 2) throw new Error(`stored attribution of unknown version ${String(p[0])}`);
  const [, saleId, dealNumber, saleDate, customerId, matchKey, matchConfidence, matched] = p;
  const [priceCents, grossCents, packed, decay] = p.slice(8) as [
    number,
    number,
    PackedTouch[],
    0 | string[],
  ];
  const day = dayNumber(saleDate);
  const touches = packed.map(
    ([id, t, type, channel, campaignId, sources, delta, customer]): DatedTouch => ({
      id,
      customerId: customer === 0 ? customerId! : customer,
      t,
      channel,
      campaignId,
      type,
      sources: sources === 0 ? [id] : sources,
      date: dateOfDay(day - delta),
      delta,
    }),
  );
  const deltas = touches.map((t) => t.delta);
  const weights = MODELS.map((m): Weights => {
    if (m !== 'time_decay' || decay === 0) return modelWeights(m, deltas, 1);
    const nums = decay.map(BigInt);
    return { nums, den: nums.reduce((x, y) => x + y, 0n) };
  });
  return spellOut({
    saleId,
    dealNumber,
    saleDate,
    customerId,
    matchKey,
    matchConfidence,
    matched: matched === 1,
    priceCents,
    grossCents,
    touches,
    weights,
  });
}

const DECAY = MODELS.indexOf('time_decay');

type PackedTouch = [
  id: string,
  t: number,
  type: string,
  channel: string,
  campaignId: string,
  sources: string[] | 0,
  delta: number,
  customerId: string | 0,
];

type Packed = [
  version: 2,
  saleId: string,
  dealNumber: string,
  saleDate: string,
  customerId: string | null,
  matchKey: SaleInput['matchKey'],
  matchConfidence: SaleInput['matchConfidence'],
  matched: 0 | 1,
  priceCents: number,
  grossCents: number,
  touches: PackedTouch[],
  decay: string[] | 0,
];
