import type { AccessPaths } from '../records/access-paths.ts';
import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import { GOOGLE_CLICK_WINDOW_DAYS, type SaleFacts } from './rules.ts';
import { daysBefore, tenantDayBounds } from './time.ts';

/** Merge hops followed from a record's customer to the surviving one. */
const MAX_MERGE_HOPS = 4;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Reads what the conversion rules need, on the access paths only (nothing scans an entity). */
export class FactsReader {
  constructor(
    private readonly records: RecordStore,
    private readonly paths: AccessPaths,
  ) {}

  /** Customers by id, each followed through merges to the surviving customer (missing: absent). */
  async survivors(tenantId: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    const out = new Map<string, StoredRecord>();
    let pending = new Map([...new Set(ids)].map((id) => [id, id])); // asked id → id to read
    for (let hop = 0; pending.size && hop < MAX_MERGE_HOPS; hop++) {
      const reads = [...new Set(pending.values())];
      const got = await this.records.getMany(tenantId, 'customer', reads);
      const byId = new Map(reads.map((id, i) => [id, got[i]]));
      const next = new Map<string, string>();
      for (const [asked, id] of pending) {
        const rec = byId.get(id);
        if (!rec) continue;
        const into = str(rec.f.mergedInto);
        if (into && into !== rec.id) next.set(asked, into);
        else out.set(asked, rec);
      }
      pending = next;
    }
    return out;
  }

  /**
   * Ids of every sale of these customers (their touches of entity `sale`): only the touches of
   * customers in the buyers set are read (an import changes thousands of customers, most without
   * a sale).
   */
  async salesOf(tenantId: string, customerIds: Iterable<string>): Promise<string[]> {
    const buyers = await this.paths.buyersAmong(tenantId, customerIds);
    return this.paths.idsOfCustomers(tenantId, buyers, 'sale');
  }

  /**
   * The facts of each sale: its customer (none when unmatched, or matched below the tenant's
   * minimum confidence) and the customer's leads and touchpoints from `D − max(90, lookback)`
   * to the end of `D` (the rules narrow to their own windows).
   */
  async saleFacts(
    tenantId: string,
    sales: readonly StoredRecord[],
    settings: TenantSettings,
  ): Promise<SaleFacts[]> {
    const counted = (s: StoredRecord) =>
      !!s.customerId && !(settings.minMatchConfidence === 'high' && s.matchConfidence === 'medium');
    const customers = await this.survivors(
      tenantId,
      sales.filter(counted).map((s) => s.customerId!),
    );
    const back = Math.max(GOOGLE_CLICK_WINDOW_DAYS, settings.lookbackDays);
    const touches = await Promise.all(
      sales.map((s) => {
        const cust = counted(s) ? customers.get(s.customerId!) : undefined;
        const date = str(s.f.saleDate);
        if (!cust || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return [];
        const from = tenantDayBounds(daysBefore(date, back), settings.timeZone).start;
        return this.paths.touchesOfCustomer(
          tenantId,
          cust.id,
          from,
          tenantDayBounds(date, settings.timeZone).end,
        );
      }),
    );
    const ids = (entity: string) => [
      ...new Set(touches.flat().flatMap((t) => (t.entity === entity ? [t.id] : []))),
    ];
    const [leadIds, tpIds] = [ids('lead'), ids('touchpoint')];
    const [leads, tps] = await Promise.all([
      this.records.getMany(tenantId, 'lead', leadIds, { lean: true }),
      this.records.getMany(tenantId, 'touchpoint', tpIds, { lean: true }),
    ]);
    const byKey = new Map<string, StoredRecord>();
    leads.forEach((r, i) => r && byKey.set(`lead:${leadIds[i]}`, r));
    tps.forEach((r, i) => r && byKey.set(`touchpoint:${tpIds[i]}`, r));
    return sales.map((sale, i) => {
      const recs = touches[i]!.map((t) => byKey.get(`${t.entity}:${t.id}`)).filter(
        (r): r is StoredRecord => !!r,
      );
      return {
        sale,
        customer: counted(sale) ? (customers.get(sale.customerId!) ?? null) : null,
        leads: recs.filter((r) => r.entity === 'lead'),
        touchpoints: recs.filter((r) => r.entity === 'touchpoint'),
        settings,
      };
    });
  }
}
