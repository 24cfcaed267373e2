import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { sampleFor } from '../cli/mapping.ts';
import { loadMappingFile, previewInWorker, type MappingResult } from '../mapping/index.ts';
import type { PreviewResult } from '../mapping/preview.ts';
import type { Hub } from '../hub.ts';
import type { ConnectorRegistry } from '../sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR } from '../sync/mapping-source.ts';
import { sampleStream } from '../sync/stream-sample.ts';

/** The hub's mapping folder (MAPPINGS_DIR, or the shipped mappings/). */
export const mappingsDir = (configured: string | undefined) => configured ?? DEFAULT_MAPPINGS_DIR;

/** A mapping file of the hub, by name, with what it connects. */
export interface MappingInfo {
  name: string;
  connector: string;
  stream: string;
  entity: string;
}

/** Every mapping in `dir` (names without .yaml) that loads. */
export async function listMappings(dir: string): Promise<MappingInfo[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const out: MappingInfo[] = [];
  for (const f of files) {
    const loaded = await loadMappingFile(join(dir, f));
    if (!loaded.ok) continue;
    const { connector, stream, entity } = loaded.doc as unknown as MappingInfo;
    out.push({ name: f.replace(/\.yaml$/, ''), connector, stream, entity });
  }
  return out;
}

/** The shipped sample record of a mapping, as JSON text ('' when there is none). */
export async function sampleText(dir: string, name: string, direction: 'in' | 'out') {
  return readFile(sampleFor(join(dir, `${name}.yaml`), direction), 'utf8').catch(() => '');
}

/** A mapping file of `dir` by name, refused unless the name is a plain mapping name. */
async function loadNamed(dir: string, name: string) {
  if (!/^[a-z0-9][a-z0-9-]{0,80}$/.test(name))
    return { ok: false as const, problem: 'unknown mapping' };
  const loaded = await loadMappingFile(join(dir, `${name}.yaml`));
  if (!loaded.ok)
    return { ok: false as const, problem: loaded.errors.map((e) => e.format()).join('\n') };
  return loaded;
}

/**
 * Reads the first `limit` records of a connection's stream (the mapping's; a dry read, nothing
 * saved) and maps each through mapping `name`; a vendor or mapping problem is returned as text.
 */
export async function previewConnectionSample(
  svc: { hub: Hub; registry: ConnectorRegistry },
  at: { tenantId: string; connectionId: string },
  mapping: { dir: string; name: string },
  limit: number,
): Promise<{ results: PreviewResult[]; problem: string | null }> {
  const loaded = await loadNamed(mapping.dir, mapping.name);
  if (!loaded.ok) return { results: [], problem: loaded.problem };
  const sample = await sampleStream(svc, { ...at, stream: loaded.doc.stream }, limit);
  if (!sample.ok) return { results: [], problem: `The system refused the read: ${sample.message}` };
  const outcome = await previewInWorker({
    doc: loaded.doc,
    records: sample.records,
    direction: 'in',
  });
  if (!outcome.ok) return { results: [], problem: outcome.problem };
  return { results: outcome.results, problem: null };
}

/** Maps `text` (a JSON record) through mapping `name`; a JSON or mapping problem is returned as text. */
export async function previewRecord(
  dir: string,
  name: string,
  direction: 'in' | 'out',
  text: string,
): Promise<{ result: MappingResult | null; problem: string | null }> {
  const loaded = await loadNamed(dir, name);
  if (!loaded.ok) return { result: null, problem: loaded.problem };
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (err) {
    return { result: null, problem: `The record is not valid JSON: ${(err as Error).message}` };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return { result: null, problem: 'The record must be one JSON object' };
  const outcome = await previewInWorker({ doc: loaded.doc, records: [record], direction });
  if (!outcome.ok) return { result: null, problem: outcome.problem };
  return { result: outcome.results[0]!, problem: null };
}
