/** A canonical record flattened to dotted paths: `{ 'customer.email': 'a@b.com' }`. */
export type FlatFields = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/**
 * Flattens nested objects to dotted paths; arrays are leaf values. `undefined` is left out.
 * @example flatten({ customer: { email: 'a@b.com' }, tags: ['x'] }) // { 'customer.email': 'a@b.com', tags: ['x'] }
 */
export function flatten(
  value: Record<string, unknown>,
  prefix = '',
  out: FlatFields = {},
): FlatFields {
  for (const key in value) {
    const v = value[key];
    if (v === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(v)) flatten(v, path, out);
    else out[path] = v;
  }
  return out;
}

/**
 * The inverse of `flatten`. Walks each path by its dots instead of splitting it: most paths have
 * none or one, and the arrays `split` made per field were most of the cost (this runs on every
 * record an outbound step reads and every inbound record whose mapping writes out).
 */
export function unflatten(flat: FlatFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path in flat) {
    let node = out;
    let from = 0;
    for (let dot = path.indexOf('.'); dot !== -1; dot = path.indexOf('.', from)) {
      const p = path.slice(from, dot);
      node = (node[p] ??= {}) as Record<string, unknown>;
      from = dot + 1;
    }
    node[from === 0 ? path : path.slice(from)] = flat[path];
  }
  return out;
}

/** Deep equality for JSON values (what canonical fields hold). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameValue(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameValue((a as never)[k], (b as never)[k]));
}
