import type { SyncServices } from '../sync/services.ts';
import type { RunCounts, RunReport } from '../sync/types.ts';
import { recordsTotal, runDuration } from './metrics.ts';

/** Which direction each run count belongs to (`quarantined` follows the sync's mode). */
const IN: (keyof RunCounts)[] = ['read', 'created', 'updated', 'unchanged'];
const OUT: (keyof RunCounts)[] = ['written', 'skipped', 'failed'];

/**
 * Adds a finished run to the metrics: its counts per connector and stream, and its duration.
 * Looks the sync, connection and mapping up (two Redis reads per run, not per record).
 */
export async function observeRun(svc: SyncServices, run: RunReport): Promise<void> {
  const sync = await svc.syncs.get(run.tenantId, run.syncId);
  const connection = await svc.hub.connections.get(run.tenantId, sync.connectionId);
  const mapping = await svc.mappings.get(sync.mapping, sync.tenantId);
  const connector = connection.connectorId;
  const add = (names: (keyof RunCounts)[], direction: 'in' | 'out', stream: string) => {
    for (const outcome of names) {
      if (run.counts[outcome] > 0)
        recordsTotal.inc({ connector, stream, direction, outcome }, run.counts[outcome]);
    }
  };
  add(IN, 'in', sync.stream ?? mapping.stream);
  add(OUT, 'out', sync.sink ?? mapping.stream);
  const qDirection = sync.mode === 'outbound' ? 'out' : 'in';
  add(
    ['quarantined'],
    qDirection,
    (qDirection === 'in' ? sync.stream : sync.sink) ?? mapping.stream,
  );
  if (run.durationMs !== null)
    runDuration.observe({ connector, mode: sync.mode, status: run.status }, run.durationMs / 1000);
}
