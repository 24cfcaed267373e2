import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

import type { MappingDoc } from './compile.ts';
import { formatDocPath, MappingError } from './errors.ts';
import { explainIssues, type Problem } from './explain.ts';
import { locate } from './locate.ts';
import { planMapping } from './plan.ts';
import { mappingSchema } from './schema.ts';

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

/**
 * Parses and validates mapping YAML. Every error names the file, line, column, field path and
 * reason, with a "did you mean" for near-miss names.
 * @param fileName used in messages, e.g. `mappings/meta-leads.yaml`.
 */
export function loadMappingText(text: string, fileName: string): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      return new MappingError(fileName, line, col, [], `YAML: ${e.message.split('\n')[0]}`);
    });
    return { ok: false, errors };
  }
  const raw: unknown = doc.toJS();
  const located = (ps: Problem[]) => {
    const seen = new Set<string>();
    const out: MappingError[] = [];
    for (const p of ps) {
      const { line, column } = locate(doc, lines, p.path, p.atKey);
      const err = new MappingError(fileName, line, column, p.path, p.message);
      // One message per place: the first is the most specific (zod may add a second refinement).
      const where = formatDocPath(p.path);
      if (seen.has(where)) continue;
      seen.add(where);
      out.push(err);
    }
    return out.sort(byPosition);
  };
  const parsed = mappingSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = explainIssues(parsed.error.issues, raw, mappingSchema);
    const more = validFieldProblems(raw, parsed.error.issues);
    return { ok: false, errors: located([...problems, ...more]) };
  }
  const plan = planMapping(parsed.data);
  if (plan.problems.length > 0) return { ok: false, errors: located(plan.problems) };
  const hash = createHash('sha256').update(text).digest('hex');
  return { ok: true, doc: { ...parsed.data, file: fileName, hash } };
}

/** Reads and validates a mapping file; see `loadMappingText`. */
export async function loadMappingFile(path: string): Promise<LoadResult> {
  return loadMappingText(await readFile(path, 'utf8'), path);
}
