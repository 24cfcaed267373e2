import { loadMappingFile } from '../mapping/index.ts';
import { SAMPLE_DEFAULT_LIMIT, sampleStream, type SampleAnswer } from '../sync/stream-sample.ts';
import { withEngine } from './with-hub.ts';

/** Where `mapping preview --connection` reads its records. */
export interface ConnectionSampleOptions {
  tenant?: string;
  connection: string;
  /** Default: the mapping's own stream. */
  stream?: string;
  limit?: string;
}

/** A whole number from `--limit` (the sample checks its range), or a message naming the option. */
function parseLimit(text: string | undefined): number {
  if (text === undefined) return SAMPLE_DEFAULT_LIMIT;
  if (!/^\d+$/.test(text)) throw new Error(`--limit must be a whole number (got "${text}")`);
  return Number(text);
}

/**
 * The first records of a connection's stream (a dry read: nothing saved), for
 * `dealerloop mapping preview <file> --connection <id> [--stream <name>] [--limit N]`.
 */
export async function readConnectionSample(
  file: string,
  o: ConnectionSampleOptions,
): Promise<SampleAnswer & { stream: string }> {
  if (!o.tenant) throw new Error('--tenant is required with --connection');
  const limit = parseLimit(o.limit);
  let stream = o.stream;
  if (!stream) {
    const loaded = await loadMappingFile(file);
    if (!loaded.ok) throw new Error(`${file} is not a valid mapping: run mapping validate on it`);
    stream = loaded.doc.stream;
  }
  const at = { tenantId: o.tenant, connectionId: o.connection, stream };
  const answer = await withEngine((e) => sampleStream(e.service.svc, at, limit));
  return { ...answer, stream };
}
