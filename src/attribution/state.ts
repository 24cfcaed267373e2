import { randomUUID } from 'node:crypto';

import type { Keys } from '../store/keys.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import type { Model } from './types.ts';

/** The attribution reader's field in the tenant's feed positions hash. */
export const POSITION_FIELD = 'attribution:incremental';

/**
 * Field of `attrMeta` naming the state's generation and the settings it was computed with
 * (`<generation>|<settings digest>`): every incremental write checks it is unchanged.
 */
export const STATE_FIELD = 'state';

/**
 * Field of `attrMeta` naming the live generation, whose hashes reports and explanations read.
 * It equals the generation in `state` except after `invalidate` (the state is cleared, the data
 * stays readable until the recompute replaces it).
 */
export const GEN_FIELD = 'gen';

/**
 * Field of `attrMeta` naming the generation whose compact copy (`timelines`, `saleInputs`:
 * packed.ts) is complete: every full recompute writes one whole; a generation from before the
 * compact copy has none, and the first recompute builds it from records.
 */
export const COMPACT_FIELD = 'compact';

/** Field of `attrMeta` holding the last full recompute's progress (JSON `RecomputeProgress`). */
export const PROGRESS_FIELD = 'recompute';

/** The settings attribution results depend on, as one string. */
export const settingsDigest = (s: TenantSettings): string =>
  JSON.stringify([s.timeZone, s.lookbackDays, s.halfLifeDays, s.minMatchConfidence]);

/** The time zone a state value was computed in (see `settingsDigest`). */
export const timeZoneOfState = (state: string): string =>
  (JSON.parse(state.slice(state.indexOf('|') + 1)) as [string])[0];

/**
 * A state value of generation `gen`: a full recompute starts a generation, so an incremental
 * write computed against the state before it fails its check and is computed again.
 */
export const newState = (s: TenantSettings, gen: string = randomUUID()): string =>
  `${gen}|${settingsDigest(s)}`;

/** The generation of a state value ('' for none). */
export const genOf = (state: string | null): string =>
  state ? state.slice(0, Math.max(0, state.indexOf('|'))) : '';

/**
 * True when a stored state was computed with these settings and its generation is the live one
 * (a state without a live generation of its own comes from the layout before generations).
 */
export const stateMatches = (
  state: string | null,
  s: TenantSettings,
  gen: string | null,
): boolean =>
  state !== null &&
  state.slice(state.indexOf('|') + 1) === settingsDigest(s) &&
  !!gen &&
  genOf(state) === gen;

/** Indexes into `StateKeys.list` of the fixed hashes; day hashes follow (`StateKeys.day`). */
export const KEY = {
  meta: 0,
  positions: 1,
  sales: 2,
  deals: 3,
  seen: 4,
  days: 5,
  timelines: 6,
  saleInputs: 7,
} as const;

/**
 * The hashes of one tenant's attribution generation as a key list (all in the tenant's slot):
 * the fixed ones in `KEY` order, then each day hash asked for, so compare-and-set items can name
 * them by index.
 */
export class StateKeys {
  readonly list: string[];
  /** Indexes of the day hashes in `list`, by kind, then date. */
  private readonly at = new Map<string, Map<string, number>>();

  constructor(
    private readonly k: Keys,
    private readonly tenantId: string,
    readonly gen: string,
  ) {
    const g = (part: Parameters<Keys['attrGen']>[2]) => k.attrGen(tenantId, gen, part);
    this.list = [
      k.attrMeta(tenantId),
      k.feedPositions(tenantId),
      g('sales'),
      g('deals'),
      g('seen'),
      g('days'),
      g('timelines'),
      g('saleInputs'),
    ];
  }

  /** Index of the hash of `date` for `kind` (`base` or a model), added to the list if new. */
  day(kind: Model | 'base', date: string): number {
    let byDate = this.at.get(kind);
    if (!byDate) this.at.set(kind, (byDate = new Map()));
    let i = byDate.get(date);
    if (i === undefined) {
      byDate.set(date, (i = this.list.length));
      this.list.push(this.k.attrDay(this.tenantId, this.gen, kind, date));
    }
    return i;
  }
}
