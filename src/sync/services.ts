import type { Hub } from '../hub.ts';
import { observeRun } from '../metrics/runs.ts';
import { RecordStore } from '../records/record-store.ts';
import type { ConnectorRegistry } from '../sdk/registry.ts';
import type { RetryPolicy } from '../sdk/retry.ts';
import { EntryStore } from './quarantine.ts';
import { RunStore } from './run-store.ts';
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
    quarantine: new EntryStore(hub.redis, hub.keys, 'quarantine'),
    deadLetters: new EntryStore(hub.redis, hub.keys, 'deadLetters'),
    retry: opts.retry,
  };
  svc.runs.onFinish.push((run) => observeRun(svc, run));
  return svc;
}
