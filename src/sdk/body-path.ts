/**
 * Dotted paths into a vendor's JSON (`paging.next.after`, `errors.0.field`), the way connectors
 * declare where a value sits. `*` matches every element of an array or every value of an object
 * (`error.details.*.retryDelay`). Paths are split once, where they are declared (`pathOf`).
 */

/** A path split into its steps. */
export type BodyPath = readonly string[];

/** Splits a dotted path once (`'paging.next'` → `['paging', 'next']`). */
export function pathOf(path: string): BodyPath {
  return path.split('.').filter((s) => s !== '');
}

/** Every value at `path` in `data` (several where the path has `*`), skipping missing ones. */
export function valuesAt(data: unknown, path: BodyPath): unknown[] {
  let level: unknown[] = [data];
  for (const step of path) {
    const next: unknown[] = [];
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue;
      if (step === '*') next.push(...Object.values(v));
      else if (step in v) next.push((v as Record<string, unknown>)[step]);
    }
    level = next;
  }
  return level.filter((v) => v !== undefined && v !== null);
}

/** The first value at `path`, or undefined. */
export function valueAt(data: unknown, path: BodyPath): unknown {
  return valuesAt(data, path)[0];
}

/** A JSON text parsed, a non-text value as it is; text that is not JSON gives undefined. */
export function jsonOf(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}
