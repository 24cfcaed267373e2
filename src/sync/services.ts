import type { Hub } from '../hub.ts';
import { observeRun } from '../metrics/runs.ts';
import { RecordStore } from '../records/record-store.ts';
import type { ConnectorRegistry } from '../sdk/registry.ts';
import type { RetryPolicy } from '../sdk/retry.ts';
import { EntryStore } from './quarantine.ts';
import { RunStore } from './run-store.ts';
import type { RunReport } from './types.ts';
import type { SyncMapping } from './sync-mapping.ts';
import { SyncStore } from './sync-store.ts';

/** Finds a compiled mapping by name. */
export interface MappingSource {
  get(name: string): Promise<SyncMapping>;
}

/** The sync engine's stores and collaborators, built once per process. */
export interface SyncServices {
  hub: Hub;
  registry: ConnectorRegistry;
  mappings: MappingSource;
  records: RecordStore;
  syncs: SyncStore;
  runs: RunStore;
  quarantine: EntryStore;
  deadLetters: EntryStore;
  /** Retry policy of vendor calls (tests shorten it). */
  retry?: RetryPolicy;
}

/** Builds the sync services on an opened hub. */
export function createSyncServices(
  hub: Hub,
  registry: ConnectorRegistry,
  mappings: MappingSource,
  opts: { retry?: RetryPolicy } = {},
): SyncServices {
  const svc: SyncServices = {
    hub,
    registry,
    mappings,
    records: new RecordStore(hub.redis, hub.keys),
    syncs: new SyncStore(hub.redis, hub.keys),
    runs: new RunStore(hub.redis, hub.keys),
    quarantine: new EntryStore(hub.redis, hub.keys, 'quarantine', hub.archive),
    deadLetters: new EntryStore(hub.redis, hub.keys, 'deadLetters'),
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
    const stream = named ?? (await svc.mappings.get(sync.mapping)).stream;
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
