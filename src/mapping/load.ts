import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

import type { z } from 'zod';

import type { MappingDoc } from './compile.ts';
import { formatDocPath, MappingError } from './errors.ts';
import { explainIssues, type Problem } from './explain.ts';
import { MAX_MAPPING_FILE_BYTES } from './limits.ts';
import { locate } from './locate.ts';
import { planMapping } from './plan.ts';
import { reservedKeyProblems } from './reserved-keys.ts';
import { mappingSchema } from './schema.ts';
import { readMappingYaml, yamlDocument } from './yaml-read.ts';

/** A loaded mapping, or every mistake in it. */
export type LoadResult = { ok: true; doc: MappingDoc } | { ok: false; errors: MappingError[] };

const byPosition = (a: MappingError, b: MappingError) => a.line - b.line || a.column - b.column;

/**
 * When only some fields fail the schema, plans the others too, so one run reports every mistake.
 */
function validFieldProblems(raw: unknown, issues: readonly z.core.$ZodIssue[]): Problem[] {
  const inFields = (i: z.core.$ZodIssue) => i.path[0] === 'fields' && i.path.length >= 2;
  if (!issues.every(inFields) || raw === null || typeof raw !== 'object') return [];
  const bad = new Set(issues.map((i) => String(i.path[1])));
  const fields = Object.entries((raw as { fields?: object }).fields ?? {}).filter(
    ([k]) => !bad.has(k),
  );
  const again = mappingSchema.safeParse({ ...raw, fields: Object.fromEntries(fields) });
  return again.success ? planMapping(again.data, false).problems : [];
}

/** Places problems at their YAML nodes, one message per place, in file order. */
export function locateProblems(
  text: string,
  fileName: string,
  problems: Problem[],
): MappingError[] {
  const { doc, lines } = yamlDocument(text);
  const seen = new Set<string>();
  const out: MappingError[] = [];
  for (const p of problems) {
    // One message per place: the first is the most specific (zod may add a second refinement).
    const where = formatDocPath(p.path);
    if (seen.has(where)) continue;
    seen.add(where);
    const { line, column } = locate(doc, lines, p.path, p.atKey);
    out.push(new MappingError(fileName, line, column, p.path, p.message));
  }
  return out.sort(byPosition);
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The error for a file over `MAX_MAPPING_FILE_BYTES`, before anything of it is parsed. */
function tooLarge(fileName: string, bytes: number): LoadResult {
  const message =
    `file is ${megabytes(bytes)}; a mapping file may be at most ` +
    `${megabytes(MAX_MAPPING_FILE_BYTES)} (MAX_MAPPING_FILE_BYTES)`;
  return { ok: false, errors: [new MappingError(fileName, 1, 1, [], message)] };
}

/**
 * Parses and validates mapping YAML. Every error names the file, line, column, field path and
 * reason, with a "did you mean" for near-miss names. Linear in the size of the text; limits in
 * `limits.ts`.
 * @param fileName used in messages, e.g. `mappings/meta-leads.yaml`.
 */
export function loadMappingText(text: string, fileName: string): LoadResult {
  // Characters ≤ bytes ≤ 3 × characters (UTF-16 to UTF-8): only a long text needs counting.
  if (text.length * 3 > MAX_MAPPING_FILE_BYTES) {
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_MAPPING_FILE_BYTES) return tooLarge(fileName, bytes);
  }
  const read = readMappingYaml(text, fileName);
  if (!read.ok) return read;
  const raw = read.raw;
  const reserved = reservedKeyProblems(raw);
  if (reserved.length > 0) return { ok: false, errors: locateProblems(text, fileName, reserved) };
  const parsed = mappingSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = explainIssues(parsed.error.issues, raw, mappingSchema);
    const more = validFieldProblems(raw, parsed.error.issues);
    return { ok: false, errors: locateProblems(text, fileName, [...problems, ...more]) };
  }
  const plan = planMapping(parsed.data);
  if (plan.problems.length > 0)
    return { ok: false, errors: locateProblems(text, fileName, plan.problems) };
  const hash = createHash('sha256').update(text).digest('hex');
  return { ok: true, doc: { ...parsed.data, file: fileName, hash } };
}

/**
 * Reads and validates a mapping file; see `loadMappingText`. A file over
 * `MAX_MAPPING_FILE_BYTES` is refused from its size, unread.
 */
export async function loadMappingFile(path: string): Promise<LoadResult> {
  const { size } = await stat(path);
  if (size > MAX_MAPPING_FILE_BYTES) return tooLarge(path, size);
  return loadMappingText(await readFile(path, 'utf8'), path);
}
