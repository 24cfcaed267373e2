import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import dmsFiles from '../../../connectors/dms-files/index.ts';
import { createEngine, type Engine } from '../../../src/runtime/engine.ts';
import type { ConnectorDef } from '../../../src/sdk/connector.ts';
import { ConnectorRegistry } from '../../../src/sdk/registry.ts';
import { DirectoryMappingSource } from '../../../src/sync/mapping-source.ts';
import type { StoredRecord } from '../../../src/records/merge.ts';
import type { QuarantineEntry } from '../../../src/sync/quarantine.ts';
import { runSync } from '../../../src/sync/run-sync.ts';
import type { RunReport } from '../../../src/sync/types.ts';
import { FAST_RETRY } from '../../support/retry.ts';
import { openTestHub, type TestHub } from '../../support/hub.ts';

/** The fixtures folder of the connector. */
export const FIXTURES = join(import.meta.dirname, '../../../connectors/dms-files/fixtures');

/** The connector as the registry takes it. */
export const dmsConnector = dmsFiles as unknown as ConnectorDef;

/** A hub with the engine on the shipped mappings and the dms-files connector, one tenant. */
export interface DmsHarness extends TestHub {
  engine: Engine;
  tenantId: string;
  /** A temporary folder, removed on close. */
  dir: string;
  /** Adds a dms-files connection and an inbound sync through `mapping`; returns the sync id. */
  sync(
    mapping: string,
    settings: Record<string, unknown>,
    credentials?: Record<string, string>,
  ): Promise<string>;
  run(syncId: string): Promise<RunReport>;
  /** The canonical records a sync's stream linked, by the system's record key. */
  records(syncId: string): Promise<Map<string, Record<string, unknown>>>;
  /** The same records as stored (with their customer id and match key). */
  stored(syncId: string): Promise<Map<string, StoredRecord>>;
  quarantined(syncId: string): Promise<QuarantineEntry[]>;
  close(): Promise<void>;
}

/** Opens the harness; `connector` replaces the dms-files definition (to inject failures). */
export async function openDmsHarness(connector: ConnectorDef = dmsConnector): Promise<DmsHarness> {
  const t = await openTestHub();
  const dir = mkdtempSync(join(tmpdir(), 'dl-dms-'));
  const engine = createEngine(t.hub, {
    registry: new ConnectorRegistry([connector]),
    mappings: new DirectoryMappingSource(),
    queueName: `sync-${randomUUID()}`,
    retry: FAST_RETRY,
  });
  const tenantId = 'store-a';
  await t.hub.tenants.create({ id: tenantId, name: 'Acme Ford' });
  const svc = engine.service.svc;
  return Object.assign(t, {
    engine,
    tenantId,
    dir,
    async sync(mapping: string, settings: Record<string, unknown>, credentials = {}) {
      const c = await t.hub.connections.create(tenantId, {
        connectorId: 'dms-files',
        name: `dms ${mapping}`,
        settings,
        credentials,
      });
      const s = await engine.service.create(tenantId, {
        name: mapping,
        connectionId: c.id,
        mapping,
        mode: 'inbound',
      });
      return s.id;
    },
    async run(syncId: string) {
      const report = await runSync(svc, tenantId, syncId, 'manual');
      if (!report) throw new Error('the run did not start');
      return report;
    },
    async records(syncId: string) {
      const stored = await this.stored(syncId);
      return new Map([...stored].map(([k, r]) => [k, r.f as Record<string, unknown>]));
    },
    async stored(syncId: string) {
      const sync = await svc.syncs.get(tenantId, syncId);
      const mapping = await svc.mappings.get(sync.mapping);
      const links = await t.hub.redis.hgetall(
        t.hub.keys.links(tenantId, sync.connectionId, sync.stream ?? mapping.stream),
      );
      const keys = Object.keys(links);
      const recs = await svc.records.getMany(
        tenantId,
        mapping.entity,
        keys.map((k) => links[k]!),
      );
      return new Map(keys.map((k, i) => [k, recs[i]!]));
    },
    quarantined: (syncId: string) => svc.quarantine.list(tenantId, syncId),
    async close() {
      await engine.queue.queue.obliterate({ force: true }).catch(() => undefined);
      await engine.close();
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
