import type { TouchForm } from './attribute.ts';
import type { SaleInput, Touch } from './types.ts';

/**
 * The compact copy of what attribution reads, kept in each generation beside the "seen" entries
 * (src/store/keys.ts `attrGen` parts `timelines` and `saleInputs`) so a full recompute after a
 * settings change reads these instead of whole records: per customer with a sale, its touches
 * (time, id, type, channel, campaign, source record ids); per sale, its `SaleInput`. Neither
 * depends on any tenant setting (times are instants, not tenant dates), so a recompute copies
 * them as they are. JSON arrays: record ids and campaign ids may hold any character.
 */

/** One packed touch: `[t, id, type, channel, campaignId, sources]` (sources 0: just `[id]`). */
export type PackedTouch = [number, string, string, string, string, string[] | 0];

/** A customer's touches (ordered, as `buildTouches` returns them) as stored. */
export function encodeTouches(touches: readonly Touch[]): string {
  const packed = touches.map((t): PackedTouch => {
    const own = t.sources.length === 1 && t.sources[0] === t.id;
    return [t.t, t.id, t.type, t.channel, t.campaignId, own ? 0 : t.sources];
  });
  return JSON.stringify(packed);
}

/** The touches of `customerId` from `encodeTouches` output (none for an absent field). */
export function decodeTouches(customerId: string, text: string | null | undefined): Touch[] {
  return parseTouches(text).map((p) => unpack(p, customerId));
}

/**
 * `encodeTouches` output parsed, each touch still packed (none for an absent field): what a
 * recompute attributes with `PACKED`, building only the touches a sale's window holds.
 */
export const parseTouches = (text: string | null | undefined): readonly PackedTouch[] =>
  text ? (JSON.parse(text) as PackedTouch[]) : [];

/** Packed touches as `attributeForm` reads them. */
export const PACKED: TouchForm<PackedTouch> = {
  t: (p) => p[0],
  dated: ([t, id, type, channel, campaignId, s], customerId, date, delta) => ({
    id,
    customerId,
    t,
    channel,
    campaignId,
    type,
    sources: s === 0 ? [id] : s,
    date,
    delta,
  }),
};

function unpack([t, id, type, channel, campaignId, s]: PackedTouch, customerId: string): Touch {
  return { id, customerId, t, channel, campaignId, type, sources: s === 0 ? [id] : s };
}

type PackedSale = [
  string,
  string,
  string,
  string | null,
  SaleInput['matchKey'],
  SaleInput['matchConfidence'],
  number,
  number,
];

/** A sale's attribution input as stored. */
export const encodeSaleInput = (s: SaleInput): string =>
  JSON.stringify([
    s.id,
    s.dealNumber,
    s.saleDate,
    s.customerId,
    s.matchKey,
    s.matchConfidence,
    s.priceCents,
    s.grossCents,
  ] satisfies PackedSale);

/** Parses `encodeSaleInput` output. */
export function decodeSaleInput(text: string): SaleInput {
  const [id, dealNumber, saleDate, customerId, matchKey, matchConfidence, priceCents, grossCents] =
    JSON.parse(text) as PackedSale;
  return {
    id,
    dealNumber,
    saleDate,
    customerId,
    matchKey,
    matchConfidence,
    priceCents,
    grossCents,
  };
}
