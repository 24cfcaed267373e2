import type { Hub } from '../hub.ts';
import { RecordStore } from '../records/record-store.ts';
import type { TenantGroup } from '../store/groups.ts';
import { withCampaignNames } from './campaign-names.ts';
import { totalsOf, type GroupBy, type Report, type ReportRow } from './report.ts';
import { ResponseTimeReader } from './response-store.ts';
import type { ResponseStats } from './response-time.ts';
import type { Model } from './types.ts';

/** The query of an attribution report, a store's or a group's. */
export interface AttributionQ {
  from: string;
  to: string;
  model: Model;
  groupBy: GroupBy;
}

/** A member store as a group report names it. */
export interface GroupStoreInfo {
  tenantId: string;
  name: string;
  timeZone: string;
  currency: string;
}

/** A row of one store: the store's own report row, naming the store and its currency. */
export type StoreRow = ReportRow & { tenantId: string; tenantName: string; currency: string };

/** The group's totals in one currency: the sums of the subtotals of the stores in it. */
export type CurrencyTotal = ReportRow & { currency: string; stores: string[] };

/**
 * The attribution report of a tenant group: every member's own report (from its rollups, over
 * its own dates), a row per store × campaign or channel, each store's `unattributed` row and
 * subtotal (its report's totals), and the group's totals per currency (never summed across
 * currencies: there is no exchange rate in the hub).
 */
export interface GroupReport {
  groupId: string;
  groupName: string;
  from: string;
  to: string;
  model: Model;
  groupBy: GroupBy;
  stores: GroupStoreInfo[];
  rows: StoreRow[];
  unattributed: StoreRow[];
  subtotals: StoreRow[];
  totals: CurrencyTotal[];
}

/** A store's attribution report with its campaign names, as `GET .../reports/attribution` gives it. */
export async function namedReport(hub: Hub, tenantId: string, q: AttributionQ): Promise<Report> {
  const [report, settings] = await Promise.all([
    hub.attribution.report(tenantId, q),
    hub.settings.get(tenantId),
  ]);
  const records = new RecordStore(hub.redis, hub.keys);
  return withCampaignNames(
    { redis: hub.redis, keys: hub.keys, records },
    tenantId,
    report,
    settings.timeZone,
  );
}

/** The member stores' names, zones and currencies, in member order. */
export async function storeInfos(hub: Hub, group: TenantGroup): Promise<GroupStoreInfo[]> {
  return Promise.all(
    group.members.map(async (tenantId) => {
      const [tenant, s] = await Promise.all([
        hub.tenants.get(tenantId),
        hub.settings.get(tenantId),
      ]);
      return { tenantId, name: tenant.name, timeZone: s.timeZone, currency: s.currency };
    }),
  );
}

/** The group's attribution report, read from each member's rollups. */
export async function groupAttributionReport(
  hub: Hub,
  groupId: string,
  q: AttributionQ,
): Promise<GroupReport> {
  const group = await hub.groups.get(groupId);
  const stores = await storeInfos(hub, group);
  const reports = await Promise.all(stores.map((s) => namedReport(hub, s.tenantId, q)));
  return combineStoreReports(group, q, stores, reports);
}

/** Puts the members' reports (same order as `stores`) together: rows, subtotals, totals. */
export function combineStoreReports(
  group: Pick<TenantGroup, 'id' | 'name'>,
  q: AttributionQ,
  stores: readonly GroupStoreInfo[],
  reports: readonly Report[],
): GroupReport {
  const out: GroupReport = {
    groupId: group.id,
    groupName: group.name,
    ...q,
    stores: [...stores],
    rows: [],
    unattributed: [],
    subtotals: [],
    totals: [],
  };
  stores.forEach((s, i) => {
    const r = reports[i]!;
    const tag = <T extends ReportRow>(row: T) => ({
      tenantId: s.tenantId,
      tenantName: s.name,
      currency: s.currency,
      ...row,
    });
    out.rows.push(...r.rows.map(tag));
    out.unattributed.push(tag(r.unattributed));
    out.subtotals.push(tag(r.totals));
  });
  for (const currency of [...new Set(stores.map((s) => s.currency))].sort()) {
    const subs = out.subtotals.filter((x) => x.currency === currency);
    out.totals.push({ currency, stores: subs.map((x) => x.tenantId), ...totalsOf(subs) });
  }
  return out;
}

/** One member store's response-time figures (medians do not add: there is no group figure). */
export type StoreResponse = GroupStoreInfo & { slaMinutes: number } & ResponseStats;

/** One salesperson of one member store, with the store's figures of CLOSED-LOOP.md. */
export type StoreSalesperson = {
  tenantId: string;
  tenantName: string;
  salesperson: string;
} & ResponseStats;

/**
 * The group's response time: a row per member store and one per store × salesperson, each
 * store's own report (`ResponseTimeReader`, its own dates and SLA), side by side.
 */
export interface GroupResponseReport {
  groupId: string;
  groupName: string;
  from: string;
  to: string;
  stores: StoreResponse[];
  salespeople: StoreSalesperson[];
}

/** The group's response time, from each member's own report; `now` decides what is pending. */
export async function groupResponseTime(
  hub: Hub,
  groupId: string,
  q: { from: string; to: string },
  now = Date.now(),
): Promise<GroupResponseReport> {
  const group = await hub.groups.get(groupId);
  const reader = new ResponseTimeReader(hub.redis, hub.keys, hub.settings);
  const infos = await storeInfos(hub, group);
  const reports = await Promise.all(infos.map((s) => reader.report(s.tenantId, q, now)));
  return {
    groupId,
    groupName: group.name,
    from: q.from,
    to: q.to,
    stores: infos.map((s, i) => ({
      ...s,
      slaMinutes: reports[i]!.slaMinutes,
      ...reports[i]!.store,
    })),
    salespeople: infos.flatMap((s, i) =>
      reports[i]!.salespeople.map((p) => ({ tenantId: s.tenantId, tenantName: s.name, ...p })),
    ),
  };
}
