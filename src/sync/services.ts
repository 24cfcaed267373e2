import type { Hub } from '../hub.ts';
import { TenantMappingStore } from '../mappings-store/store.ts';
import { TenantMappings } from '../mappings-store/tenant-mappings.ts';
import { observeRun } from '../metrics/runs.ts';
import { RecordStore } from '../records/record-store.ts';
import type { ConnectorRegistry } from '../sdk/registry.ts';
import type { RetryPolicy } from '../sdk/retry.ts';
import { EntryStore } from './quarantine.ts';
import { RunStore } from './run-store.ts';
import type { RunReport } from './types.ts';
import type { SyncMapping } from './sync-mapping.ts';
import { SyncStore } from './sync-store.ts';

/**
 * Finds a compiled mapping by name; with a tenant, that tenant's own mapping of the name when it
 * has one (src/mappings-store/), else the shipped file.
 */
export interface MappingSource {
  get(name: string, tenantId?: string): Promise<SyncMapping>;
  /** The names this source holds (the shipped files), when it can list them. */
  names?(): Promise<string[]>;
  /** The YAML text of mapping `name`, when this source reads text. */
  text?(name: string): Promise<string>;
}

/** The sync engine's stores and collaborators, built once per process. */
export interface SyncServices {
  hub: Hub;
  registry: ConnectorRegistry;
  /** Each tenant's own mappings in front of the shipped ones. */
  mappings: TenantMappings;
  records: RecordStore;
  syncs: SyncStore;
  runs: RunStore;
  quarantine: EntryStore;
  deadLetters: EntryStore;
  /** Retry policy of vendor calls (tests shorten it). */
  retry?: RetryPolicy;
}

/** Builds the sync services on an opened hub; `shipped` is what tenants' own mappings fall back to. */
export function createSyncServices(
  hub: Hub,
  registry: ConnectorRegistry,
  shipped: MappingSource,
  opts: { retry?: RetryPolicy } = {},
): SyncServices {
  const svc: SyncServices = {
    hub,
    registry,
    mappings: new TenantMappings(new TenantMappingStore(hub.redis, hub.keys), shipped, (id) =>
      registry.has(id),
    ),
    records: new RecordStore(hub.redis, hub.keys),
    syncs: new SyncStore(hub.redis, hub.keys),
    runs: new RunStore(hub.redis, hub.keys),
    quarantine: new EntryStore(hub.redis, hub.keys, 'quarantine', hub.archive),
    deadLetters: new EntryStore(hub.redis, hub.keys, 'deadLetters', hub.archive),
    retry: opts.retry,
  };
  svc.runs.onFinish.push(
    (run) => observeRun(svc, run),
    (run) => archiveRun(svc, run),
  );
  return svc;
}

/**
 * Archives a finished run's report (kind `report`) under its sync's connection and stream (or
 * sink), so the history outlives the runs Redis keeps. A failure is logged, never the run's.
 */
async function archiveRun(svc: SyncServices, run: RunReport): Promise<void> {
  try {
    const sync = await svc.syncs.get(run.tenantId, run.syncId);
    const named = sync.mode === 'outbound' ? sync.sink : sync.stream;
    const stream = named ?? (await svc.mappings.get(sync.mapping, sync.tenantId)).stream;
    const { holder: _holder, ...report } = run;
    await svc.hub.archive.append(
      { tenantId: run.tenantId, connectionId: sync.connectionId, stream, kind: 'report' },
      [report],
    );
  } catch (err) {
    svc.hub.log.warn(
      { tenantId: run.tenantId, syncId: run.syncId, runId: run.id, err: (err as Error).message },
      'run report not archived',
    );
  }
}
