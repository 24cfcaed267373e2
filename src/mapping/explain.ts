import type { z } from 'zod';

import type { DocPath } from './errors.ts';
import { suggestion } from './suggest.ts';
import { transforms, transformNames } from './transforms/index.ts';

/** One schema problem, before it is located in the file. */
export interface Problem {
  path: DocPath;
  message: string;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
}

type Issue = z.core.$ZodIssue;
const SOURCES = ['from', 'value', 'template'] as const;

function valueAt(root: unknown, path: DocPath): unknown {
  let v = root;
  for (const p of path)
    v =
      v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p as string] : undefined;
  return v;
}

/** Keys an object schema accepts at `path` (the union of every branch), for suggestions. */
function keysAt(schema: z.ZodType, path: DocPath): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable')
    return keysAt(def.innerType as z.ZodType, path);
  if (def.type === 'union') return (def.options as z.ZodType[]).flatMap((o) => keysAt(o, path));
  if (path.length === 0) return def.type === 'object' ? Object.keys(def.shape as object) : [];
  const [head, ...rest] = path;
  if (def.type === 'object') {
    const child = (def.shape as Record<string, z.ZodType>)[head as string];
    return child ? keysAt(child, rest) : [];
  }
  if (def.type === 'record') return keysAt(def.valueType as z.ZodType, rest);
  if (def.type === 'array') return keysAt(def.element as z.ZodType, rest);
  return [];
}

function explainStep(issue: Issue, raw: unknown, path: DocPath): Problem[] {
  const step = valueAt(raw, path);
  const name =
    typeof step === 'string'
      ? step
      : step && typeof step === 'object'
        ? Object.keys(step)[0]
        : undefined;
  if (
    name === undefined ||
    (typeof step === 'object' && Object.keys(step as object).length !== 1)
  ) {
    return [
      {
        path,
        message:
          'a transform is a name or a map of one name to its options, e.g. { phone: { country: US } }',
      },
    ];
  }
  const def = transforms.get(name);
  if (!def)
    return [{ path, message: `unknown transform "${name}"${suggestion(name, transformNames)}` }];
  const options = typeof step === 'string' ? {} : (step as Record<string, unknown>)[name];
  const parsed = def.options.safeParse(options ?? {});
  if (parsed.success) return [{ path, message: issue.message }];
  const where = typeof step === 'string' ? path : [...path, name];
  const problems = explainIssues(parsed.error.issues, options ?? {}, def.options, []);
  return problems.map((p) => ({ ...p, path: [...where, ...p.path] }));
}

function explainUnion(
  issue: Issue & { code: 'invalid_union' },
  raw: unknown,
  schema: z.ZodType,
): Problem[] {
  const path = issue.path as DocPath;
  if (path.length >= 2 && path[path.length - 2] === 'transform')
    return explainStep(issue, raw, path);
  const value = valueAt(raw, path);
  if (path.length === 2 && path[0] === 'fields' && value && typeof value === 'object') {
    const present = SOURCES.filter((s) => s in value);
    if (present.length > 1) {
      const both = present.map((s) => `"${s}"`).join(' and ');
      return [{ path, message: `a field has one source, but this one has ${both}` }];
    }
    if (present.length === 0) {
      const unknown = (issue.errors[0] ?? []).filter((i) => i.code === 'unrecognized_keys');
      const needs = { path, message: 'a field needs one source: from, value or template' };
      return [needs, ...explainIssues(unknown, raw, schema, path)];
    }
    return explainIssues(issue.errors[SOURCES.indexOf(present[0]!)] ?? [], raw, schema, path);
  }
  const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
  return best.length > 0
    ? explainIssues(best, raw, schema, path)
    : [{ path, message: issue.message }];
}

/**
 * Turns zod issues into problems people can act on: unknown keys and names with a "did you mean",
 * union failures narrowed to the branch the author meant, missing keys named.
 * `prefix` is where the issues' paths start (issues inside a union are relative to it).
 */
export function explainIssues(
  issues: readonly Issue[],
  raw: unknown,
  schema: z.ZodType,
  prefix: DocPath = [],
): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = [...prefix, ...(issue.path as DocPath)];
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = keysAt(schema, path);
        return issue.keys.map((k) => ({
          path: [...path, k],
          atKey: true,
          message: `unknown key "${k}"${suggestion(k, allowed)}`,
        }));
      }
      case 'invalid_union':
        return explainUnion({ ...issue, path }, raw, schema);
      case 'invalid_value': {
        const got = valueAt(raw, path);
        const options = issue.values.map(String);
        return [
          {
            path,
            message: `${JSON.stringify(got)} is not one of ${options.join(', ')}${suggestion(String(got), options)}`,
          },
        ];
      }
      case 'invalid_type':
        if (valueAt(raw, path) === undefined)
          return [{ path, message: `missing required key "${String(path[path.length - 1])}"` }];
        return [
          {
            path,
            message: `expected ${issue.expected}, got ${JSON.stringify(valueAt(raw, path))}`,
          },
        ];
      default:
        return [{ path, message: issue.message }];
    }
  });
}
