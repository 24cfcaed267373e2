import type { DocPath } from './errors.ts';
import type { Problem } from './explain.ts';

/**
 * Keys a mapping file may not use anywhere: as object keys in JavaScript they reach the prototype
 * instead of the data (`fields: { __proto__: ... }` parsed into a record set the record's
 * prototype, so the field vanished with no error, and a value map's `__proto__` entry was lost).
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__']);

/** Every own key of `raw`, at any depth, that is a reserved key, as a problem at that key. */
export function reservedKeyProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  const stack: { value: unknown; path: DocPath }[] = [{ value: raw, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    for (const key of Object.keys(value)) {
      const at = [...path, Array.isArray(value) ? Number(key) : key];
      if (RESERVED_KEYS.has(key))
        problems.push({ path: at, atKey: true, message: `"${key}" cannot be used as a key` });
      else stack.push({ value: (value as Record<string, unknown>)[key], path: at });
    }
  }
  return problems;
}
