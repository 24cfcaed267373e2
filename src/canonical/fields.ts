import type { z } from 'zod';

/** What kind of value a canonical field holds. */
export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'array' | 'unknown';

/** One leaf field of a canonical entity, found by walking its zod schema. */
export interface CanonicalField {
  /** Dotted path inside the entity, e.g. `customer.email`. */
  path: string;
  /** Kind of value. */
  kind: FieldKind;
  /** Allowed values when `kind` is `enum`. */
  values?: readonly string[];
  /** String format (email, datetime, date, regex...) when the schema declares one. */
  format?: string;
  /** False when the entity schema marks the field optional. */
  required: boolean;
  /** The unwrapped zod schema of the field, to check values that have a format. */
  schema: z.ZodType;
  /** Description from the schema. */
  description?: string;
}

type Def = { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> };
const def = (s: z.ZodType): Def => s._zod.def as unknown as Def;

function unwrap(s: z.ZodType): { schema: z.ZodType; optional: boolean; description?: string } {
  let optional = false;
  let description = s.description;
  let cur = s;
  for (;;) {
    const d = def(cur);
    if (d.type === 'optional' || d.type === 'default' || d.type === 'nullable') {
      if (d.type !== 'nullable') optional = true;
      cur = d.innerType as z.ZodType;
      description ??= cur.description;
    } else return { schema: cur, optional, description };
  }
}

function kindOf(s: z.ZodType): { kind: FieldKind; values?: string[]; format?: string } {
  const d = s._zod.def as unknown as { type: string; format?: string; entries?: object };
  const format = (s as unknown as { format?: string | null }).format ?? undefined;
  switch (d.type) {
    case 'string':
      return format ? { kind: 'string', format } : { kind: 'string' };
    case 'number':
      return { kind: format === 'safeint' ? 'integer' : 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'enum', values: Object.values(d.entries ?? {}) as string[] };
    case 'array':
      return { kind: 'array' };
    default:
      return { kind: 'unknown' };
  }
}

const cache = new WeakMap<z.ZodType, Map<string, CanonicalField>>();

/**
 * Every leaf field of a canonical entity schema by dotted path (nested objects are walked).
 * Cached per schema.
 * @example canonicalFields(leadSchema).get('customer.email')?.format // 'email'
 */
export function canonicalFields(schema: z.ZodType): Map<string, CanonicalField> {
  let found = cache.get(schema);
  if (found) return found;
  found = new Map();
  const walk = (s: z.ZodType, prefix: string, parentRequired: boolean): void => {
    for (const [key, child] of Object.entries(def(s).shape ?? {})) {
      const u = unwrap(child);
      const path = prefix + key;
      const required = parentRequired && !u.optional;
      if (def(u.schema).type === 'object') walk(u.schema, `${path}.`, required);
      else
        found!.set(path, {
          path,
          required,
          schema: u.schema,
          description: u.description,
          ...kindOf(u.schema),
        });
    }
  };
  walk(schema, '', true);
  cache.set(schema, found);
  return found;
}
