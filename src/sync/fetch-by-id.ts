import { defusePage } from '../records/poison.ts';
import { PermanentError } from '../sdk/errors.ts';
import { openConnection } from './connection-runtime.ts';
import { ingestArchived } from './run-sync.ts';
import type { SyncServices } from './services.ts';
import { zeroCounts } from './types.ts';

/**
 * Reads records a webhook announced by id (the stream's `readByIds`, under the connection's rate
 * limit and retry policy), archives them raw as webhook records are, and ingests them through the
 * sync's mapping as one `webhook` run. Nothing depends on the stream's cursor, so a record created
 * long before it (a lead Meta announces late) is read all the same.
 */
export async function fetchByIds(
  svc: SyncServices,
  tenantId: string,
  syncId: string,
  ids: string[],
  signal?: AbortSignal,
) {
  const sync = await svc.syncs.get(tenantId, syncId);
  const mapping = await svc.mappings.get(sync.mapping, tenantId);
  const rt = await openConnection(svc.hub, svc.registry, tenantId, sync.connectionId, {
    signal,
    retry: svc.retry,
  });
  const stream = sync.stream ?? mapping.stream;
  const def = rt.connector.streams?.[stream];
  if (!def?.readByIds)
    throw new PermanentError(`stream "${stream}" of ${rt.connector.id} cannot be read by id`);
  const records = await rt.call(() => def.readByIds!(rt.ctx, ids));
  if (records.length === 0) return { counts: zeroCounts(), entity: mapping.entity };
  const { key } = await svc.hub.archive.append(
    { tenantId, connectionId: sync.connectionId, stream, kind: 'raw' },
    defusePage(records),
  );
  return ingestArchived(svc, tenantId, syncId, key!);
}
