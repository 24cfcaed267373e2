import type { ValueMapSpec } from './schema.ts';
import { Invalid, type Step } from './transforms/types.ts';

type Scalar = string | number | boolean | null;

/** Value map forward: source value → destination value, with the default for the rest. */
export function compileValueMap(spec: ValueMapSpec): Step {
  const key = spec.ignoreCase ? (v: unknown) => String(v).toLowerCase() : (v: unknown) => String(v);
  const table = new Map<string, Scalar>();
  for (const [k, v] of Object.entries(spec.map)) table.set(key(k), v);
  const fallback = spec.default;
  return (v) => {
    const hit = table.get(key(v));
    if (hit !== undefined) return hit;
    if (fallback !== undefined) return fallback;
    return new Invalid(`${JSON.stringify(v)} is not in the value map`);
  };
}

/**
 * The reverse table of a value map: `reverse` entries first, then for each destination value the
 * first source value that maps to it.
 */
export function reverseTable(spec: ValueMapSpec): Map<string, string> {
  const table = new Map<string, string>();
  for (const [canonical, system] of Object.entries(spec.reverse ?? {}))
    table.set(canonical, String(system));
  for (const [system, canonical] of Object.entries(spec.map)) {
    if (!table.has(String(canonical))) table.set(String(canonical), system);
  }
  return table;
}

/** Value map inverse (out direction of a `both` field). */
export function compileValueMapInverse(spec: ValueMapSpec): Step {
  const table = reverseTable(spec);
  return (v) => table.get(String(v)) ?? new Invalid(`no system value maps to ${JSON.stringify(v)}`);
}
