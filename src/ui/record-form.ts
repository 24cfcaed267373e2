/** A leaf of a record, as one form field: its dotted path, text and JSON type. */
export interface FlatField {
  path: string;
  text: string;
  type: 'string' | 'number' | 'boolean' | 'null';
}

/** Prefix of the form fields holding record values (`f:<path>`) and their types (`t:<path>`). */
export const VALUE = 'f:';
export const TYPE = 't:';

/** Every leaf of a record, depth first; array items are numbered path segments (`phones.0`). */
export function flatten(value: unknown, path = ''): FlatField[] {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    return entries.flatMap(([k, v]) => flatten(v, path ? `${path}.${k}` : k));
  }
  if (value === null || value === undefined) return [{ path, text: '', type: 'null' }];
  const type =
    typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
  return [{ path, text: String(value), type }];
}

/** The value a field's text stands for, keeping the type the record had (empty text: null). */
function typed(text: string, type: string): unknown {
  if (type === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (type === 'null' && text === '') return null;
  return text;
}

/** Rebuilds the record from the posted `f:`/`t:` fields (numbered segments make arrays). */
export function unflatten(form: Record<string, string | string[]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(form)) {
    if (!name.startsWith(VALUE)) continue;
    const path = name.slice(VALUE.length).split('.');
    const type = String(form[`${TYPE}${name.slice(VALUE.length)}`] ?? 'string');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((seg, i) => {
      const last = i === path.length - 1;
      const slot = node as Record<string, unknown>;
      if (last) slot[seg] = typed(String(Array.isArray(raw) ? raw[0] : raw), type);
      else slot[seg] ??= /^\d+$/.test(path[i + 1]!) ? [] : {};
      node = slot[seg] as Record<string, unknown>;
    });
  }
  return root;
}
