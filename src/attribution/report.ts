import { Frac, FracSum, scaledToString } from './fraction.ts';
import { UNATTRIBUTED, type Contribution } from './contributions.ts';
import type { Model } from './types.ts';

/** How rows are keyed. */
export type GroupBy = 'campaign' | 'channel';

/** The sums of one row before rounding; what rollups hold per day. */
export interface Cell {
  channel: string;
  campaignId: string;
  spendCents: bigint;
  leads: number;
  sold: Frac;
  gross: Frac;
  revenue: Frac;
}

/** One report row: exact values as decimal strings (money rounded once, half away from zero). */
export interface ReportRow {
  channel: string;
  /** null when grouped by channel; `(none)` for touches without a campaign. */
  campaignId: string | null;
  campaignName: string | null;
  spend: string;
  leads: number;
  /** Sum of credits, to 6 decimals; `soldExact` is the exact fraction. */
  sold: string;
  soldExact: string;
  gross: string;
  revenue: string;
  costPerLead: string | null;
  costPerSale: string | null;
  roas: string | null;
}

/** The attribution report of CLOSED-LOOP.md. */
export interface Report {
  from: string;
  to: string;
  model: Model;
  groupBy: GroupBy;
  rows: ReportRow[];
  unattributed: ReportRow;
  totals: ReportRow;
}

/** Decimals of `sold` and `roas` in the rendered report. */
export const SOLD_DECIMALS = 6;
export const ROAS_DECIMALS = 4;

/** An empty cell for a (channel, campaign). */
export function emptyCell(channel: string, campaignId: string): Cell {
  return {
    channel,
    campaignId,
    spendCents: 0n,
    leads: 0,
    sold: Frac.ZERO,
    gross: Frac.ZERO,
    revenue: Frac.ZERO,
  };
}

/** A cell while it is being summed (exact sums without a gcd per addition). */
interface SumCell {
  channel: string;
  campaignId: string;
  spendCents: bigint;
  leads: number;
  sold: FracSum;
  gross: FracSum;
  revenue: FracSum;
}

/** Collects cells by row key (campaign or channel). */
export class CellSet {
  private readonly sums = new Map<string, SumCell>();
  constructor(readonly groupBy: GroupBy) {}

  /** The summed cells by row key (`<channel>\u0000<campaign>`). */
  get cells(): Map<string, Cell> {
    const out = new Map<string, Cell>();
    for (const [key, c] of this.sums)
      out.set(key, {
        ...c,
        sold: c.sold.value(),
        gross: c.gross.value(),
        revenue: c.revenue.value(),
      });
    return out;
  }

  private sumAt(channel: string, campaignId: string): SumCell {
    const campaign = channel === UNATTRIBUTED || this.groupBy === 'channel' ? '' : campaignId;
    const key = `${channel}\u0000${campaign}`;
    let cell = this.sums.get(key);
    if (!cell) {
      const zero = { sold: new FracSum(), gross: new FracSum(), revenue: new FracSum() };
      this.sums.set(key, (cell = { ...emptyCell(channel, campaign), ...zero }));
    }
    return cell;
  }

  /** Adds spend (cents) and leads to the cell of a (channel, campaign). */
  addBase(channel: string, campaignId: string, spendCents: bigint, leads: number): void {
    const cell = this.sumAt(channel, campaignId);
    cell.spendCents += spendCents;
    cell.leads += leads;
  }

  /** Adds credit, gross and revenue (a sale's contribution or a rollup day's sums). */
  addContribution(
    c: Pick<Contribution, 'channel' | 'campaignId' | 'sold' | 'gross' | 'revenue'>,
  ): void {
    const cell = this.sumAt(c.channel, c.campaignId);
    cell.sold.add(c.sold);
    cell.gross.add(c.gross);
    cell.revenue.add(c.revenue);
  }

  /** Adds stored sums (`toString()` fractions) of credit, gross and revenue. */
  addTexts(
    channel: string,
    campaignId: string,
    sold: string,
    gross: string,
    revenue: string,
  ): void {
    const cell = this.sumAt(channel, campaignId);
    cell.sold.addText(sold);
    cell.gross.addText(gross);
    cell.revenue.addText(revenue);
  }

  /** Adds another cell's sums (e.g. a rollup day). */
  addCell(c: Cell): void {
    this.addBase(c.channel, c.campaignId, c.spendCents, c.leads);
    this.addContribution(c);
  }
}

/**
 * Renders the report from its cells: one row per (channel, campaign) with non-zero spend, leads
 * or credit, the `unattributed` row, and totals = the sums of every rendered row (money as shown,
 * in cents) with ratios computed from those sums.
 */
export function renderReport(
  set: CellSet,
  meta: { from: string; to: string; model: Model },
  names: ReadonlyMap<string, string> = new Map(),
): Report {
  const summed = set.cells;
  const cells = [...summed.values()].sort((a, b) =>
    a.channel === b.channel ? cmp(a.campaignId, b.campaignId) : cmp(a.channel, b.channel),
  );
  const rows = cells
    .filter((c) => c.channel !== UNATTRIBUTED)
    .filter((c) => c.spendCents !== 0n || c.leads !== 0 || !c.sold.isZero())
    .map((c) =>
      row(
        c.channel,
        set.groupBy === 'channel' ? null : c.campaignId || '(none)',
        names.get(c.campaignId) ?? null,
        c.spendCents,
        c.leads,
        c.sold,
        c.gross.roundScaled(0),
        c.revenue.roundScaled(0),
      ),
    );
  const u = summed.get(`${UNATTRIBUTED}\u0000`) ?? emptyCell(UNATTRIBUTED, '');
  const unattributed = row(
    UNATTRIBUTED,
    null,
    null,
    0n,
    0,
    u.sold,
    u.gross.roundScaled(0),
    u.revenue.roundScaled(0),
  );
  const totals = totalsOf([...rows, unattributed]);
  return { ...meta, groupBy: set.groupBy, rows, unattributed, totals };
}

/**
 * The totals row of rendered rows: money as shown summed in cents, leads, exact credits, and the
 * ratios computed from those sums (a report's totals; a tenant group's totals of its stores).
 */
export function totalsOf(all: readonly ReportRow[]): ReportRow {
  const sum = (f: (r: ReportRow) => bigint) => all.reduce((a, r) => a + f(r), 0n);
  return row(
    'total',
    null,
    null,
    sum((r) => cents(r.spend)),
    all.reduce((a, r) => a + r.leads, 0),
    all.reduce((a, r) => a.add(Frac.parse(r.soldExact)), Frac.ZERO),
    sum((r) => cents(r.gross)),
    sum((r) => cents(r.revenue)),
  );
}

function row(
  channel: string,
  campaignId: string | null,
  campaignName: string | null,
  spend: bigint,
  leads: number,
  sold: Frac,
  gross: bigint,
  revenue: bigint,
): ReportRow {
  const spendF = new Frac(spend);
  return {
    channel,
    campaignId,
    campaignName,
    spend: scaledToString(spend, 2),
    leads,
    sold: sold.toFixed(SOLD_DECIMALS),
    soldExact: sold.toString(),
    gross: scaledToString(gross, 2),
    revenue: scaledToString(revenue, 2),
    costPerLead: leads ? money(spendF.div(Frac.of(leads))) : null,
    costPerSale: sold.isZero() ? null : money(spendF.div(sold)),
    roas: spend === 0n ? null : new Frac(gross, spend).toFixed(ROAS_DECIMALS),
  };
}

/** Cents fraction → dollars string rounded half away from zero. */
const money = (centsValue: Frac) => scaledToString(centsValue.roundScaled(0), 2);

/** "1234.56" → 123456n. */
function cents(s: string): bigint {
  const neg = s.startsWith('-');
  const [w, f = ''] = (neg ? s.slice(1) : s).split('.');
  const v = BigInt(w!) * 100n + BigInt(f.padEnd(2, '0'));
  return neg ? -v : v;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
