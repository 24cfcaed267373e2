import { randomUUID } from 'node:crypto';

import type { Keys } from '../store/keys.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import type { SaleAttribution } from './attribute.ts';
import { MODELS, type Model } from './types.ts';

/** The attribution reader's field in the tenant's feed positions hash. */
export const POSITION_FIELD = 'attribution:incremental';

/** Field of `attrMeta` naming the state's generation and the settings it was computed with. */
export const STATE_FIELD = 'state';

/** Field of `attrMeta` holding the last full recompute's progress (JSON `RecomputeProgress`). */
export const PROGRESS_FIELD = 'recompute';

/** The settings attribution results depend on, as one string. */
export const settingsDigest = (s: TenantSettings): string =>
  JSON.stringify([s.timeZone, s.lookbackDays, s.halfLifeDays, s.minMatchConfidence]);

/**
 * A new state value: a full recompute starts a generation, so an incremental write computed
 * against the state before it fails its check and is computed again.
 */
export const newState = (s: TenantSettings): string => `${randomUUID()}|${settingsDigest(s)}`;

/** True when a stored state was computed with these settings. */
export const stateMatches = (state: string | null, s: TenantSettings): boolean =>
  state !== null && state.slice(state.indexOf('|') + 1) === settingsDigest(s);

/**
 * A sale's attribution as stored: without `leftOut` (explain works that out when asked), so the
 * stored value depends only on the sale and the touches that can enter its window.
 */
export const encodeAttribution = (a: SaleAttribution): string =>
  JSON.stringify({ ...a, leftOut: [] });

/** Indexes into `stateKeys` of the hashes attribution writes. */
export const KEY = {
  meta: 0,
  sales: 1,
  deals: 2,
  rollup: (m: Model) => 3 + MODELS.indexOf(m),
  base: 3 + MODELS.length,
  seen: 4 + MODELS.length,
  positions: 5 + MODELS.length,
} as const;

/** The tenant's attribution hashes, in `KEY` order (all in the tenant's slot). */
export const stateKeys = (k: Keys, tenantId: string): string[] => [
  k.attrMeta(tenantId),
  k.attrSales(tenantId),
  k.attrDeals(tenantId),
  ...MODELS.map((m) => k.attrRollup(tenantId, m)),
  k.attrBase(tenantId),
  k.attrSeen(tenantId),
  k.feedPositions(tenantId),
];
