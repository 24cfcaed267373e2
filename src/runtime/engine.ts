import { connectors } from '../../connectors/index.ts';
import { conversionsReader } from '../conversions/job.ts';
import type { Hub } from '../hub.ts';
import { ConnectorRegistry } from '../sdk/registry.ts';
import type { RetryPolicy } from '../sdk/retry.ts';
import { DirectoryMappingSource } from '../sync/mapping-source.ts';
import { createSyncServices, type MappingSource } from '../sync/services.ts';
import { SyncQueue } from '../sync/sync-queue.ts';
import { SyncService } from '../sync/sync-service.ts';

/** The sync engine of a process: services, its queue, and the operations API and CLI call. */
export interface Engine {
  service: SyncService;
  queue: SyncQueue;
  close(): Promise<void>;
}

/** Builds the engine on an opened hub. Tests pass their own registry, mappings, queue name or retry policy. */
export function createEngine(
  hub: Hub,
  opts: {
    registry?: ConnectorRegistry;
    mappings?: MappingSource;
    queueName?: string;
    retry?: RetryPolicy;
  } = {},
): Engine {
  const svc = createSyncServices(
    hub,
    opts.registry ?? new ConnectorRegistry(connectors),
    opts.mappings ?? new DirectoryMappingSource(hub.config.MAPPINGS_DIR),
    {
      retry: opts.retry,
    },
  );
  const queue = new SyncQueue(svc, opts.queueName);
  // The closed loop's conversions: derived from sales, leads, touchpoints and customers as they change.
  queue.addDerived(conversionsReader(hub, svc.records));
  return { service: new SyncService(svc, queue), queue, close: () => queue.close() };
}
