import { AppError } from '../errors/app-error.ts';
import type { Hub } from '../hub.ts';
import { defusePage } from '../records/poison.ts';
import type { SystemRecord } from '../sdk/connector.ts';
import type { ConnectorRegistry } from '../sdk/registry.ts';
import {
  ONE_ATTEMPT,
  openConnection,
  probeConnection,
  type ProbeAnswer,
} from './connection-runtime.ts';

/** Records a sample reads when the caller names no limit. */
export const SAMPLE_DEFAULT_LIMIT = 3;
/** Most records one sample returns (a look at the data, not an export). */
export const SAMPLE_MAX_LIMIT = 20;

/** A sample read: the stream's first records, or why the system gave none (as a test answers). */
export type SampleAnswer = ProbeAnswer & { records: SystemRecord[] };

/**
 * A dry read of a connection's stream: the connector's read of the first page (from the start,
 * no cursor), cut to `limit` records. Nothing is saved: no cursor, link, record, run or archive
 * page (only the connection's shared rate-limit and concurrency slots, which expire on their own,
 * and its status, as the connection test sets it). A vendor failure is answered as the connection
 * test answers it. The records are the vendor's data: shown to the caller, never logged.
 */
export async function sampleStream(
  svc: { hub: Hub; registry: ConnectorRegistry },
  at: { tenantId: string; connectionId: string; stream: string },
  limit = SAMPLE_DEFAULT_LIMIT,
): Promise<SampleAnswer> {
  if (!Number.isInteger(limit) || limit < 1 || limit > SAMPLE_MAX_LIMIT)
    throw new AppError(422, 'validation_failed', `limit must be 1 to ${SAMPLE_MAX_LIMIT}`, [
      { path: 'limit', message: `an integer from 1 to ${SAMPLE_MAX_LIMIT}` },
    ]);
  const rt = await openConnection(svc.hub, svc.registry, at.tenantId, at.connectionId, {
    retry: ONE_ATTEMPT,
  });
  const def = rt.connector.streams?.[at.stream];
  if (!def) {
    const known = Object.keys(rt.connector.streams ?? {}).join(', ') || 'none';
    throw new AppError(404, 'unknown_stream', `${rt.connector.name} has no stream "${at.stream}"`, [
      { path: 'stream', message: `one of: ${known}` },
    ]);
  }
  const r = await probeConnection(svc.hub, rt, () => def.read(rt.ctx, null));
  if (!r.ok) return { ...r, records: [] };
  const records = defusePage(r.value.records.slice(0, limit));
  return { ok: true, message: r.message, status: r.status, records };
}
