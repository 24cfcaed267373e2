import { ConversionDeriver } from '../../src/conversions/deriver.ts';
import type { Conversion } from '../../src/canonical/index.ts';
import { unflatten } from '../../src/records/flat.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import type { EngineHarness } from '../support/engine.ts';
import type { FakeSystem } from '../support/fake-system.ts';

/**
 * A tenant whose CRM (a fake http-json system) holds leads, Google ad clicks and DMS deals, read
 * by inbound syncs through the engine, with the conversion deriver over the records they write.
 */
export async function conversionWorld(h: EngineHarness, crm: FakeSystem) {
  const connectionId = await h.connect('http-json', crm);
  const syncs = await Promise.all(
    ['crm-a-leads', 'crm-a-clicks', 'crm-a-sales'].map((mapping) =>
      h.addSync({ connectionId, mapping, mode: 'inbound' }),
    ),
  );
  const svc = h.engine.service.svc;
  const deriver = new ConversionDeriver(h.hub, svc.records);
  return {
    svc,
    deriver,
    /** Runs every inbound sync once. */
    async ingest() {
      for (const s of syncs) await runSync(svc, h.tenantId, s.id, 'manual');
    },
    /** Ingests, then runs one derivation pass. */
    async sync() {
      await this.ingest();
      return deriver.run(h.tenantId);
    },
    /** Every stored conversion by id. */
    async conversions(): Promise<Map<string, Conversion>> {
      const out = new Map<string, Conversion>();
      for (let after: string | null = null, first = true; first || after; first = false) {
        const page = await svc.records.walk(h.tenantId, 'conversion', after, 500);
        for (const r of page.records) out.set(r.id, { ...unflatten(r.f), id: r.id } as Conversion);
        after = page.last;
      }
      return out;
    },
    /** The stored customer whose email is `email`. */
    async customerByEmail(email: string) {
      const id = await h.hub.redis.hget(h.hub.keys.identity(h.tenantId, 'email'), email);
      return id ? svc.records.get(h.tenantId, 'customer', id) : null;
    },
  };
}
