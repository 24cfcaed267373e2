import type { CanonicalField } from '../canonical/fields.ts';

/** Checks a value against its canonical field; returns why it does not fit, or undefined. */
export type Check = (value: unknown) => string | undefined;

const show = (v: unknown) => JSON.stringify(v);

type Def = { pattern?: RegExp; checks?: { _zod: { def: { check: string; pattern?: RegExp } } }[] };

/**
 * The regular expressions a zod string schema checks, when those are all it checks (formats such
 * as email and ISO date-time, and `.regex()`): testing them is what safeParse does, without its
 * per-call machinery. `undefined` when the schema checks anything else.
 */
function patternsOf(schema: CanonicalField['schema']): RegExp[] | undefined {
  const def = schema._zod.def as unknown as Def;
  const out: RegExp[] = def.pattern ? [def.pattern] : [];
  for (const c of def.checks ?? []) {
    const cd = c._zod.def;
    if (cd.check !== 'string_format' || !cd.pattern) return undefined;
    out.push(cd.pattern);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Compiles a cheap check of a canonical field: the kind by `typeof` or a Set, and for text with a
 * format (email, date-time, E.164, VIN...) the field's own zod schema.
 */
export function compileCheck(field: CanonicalField): Check {
  switch (field.kind) {
    case 'string': {
      if (!field.format)
        return (v) => (typeof v === 'string' ? undefined : `expected text, got ${show(v)}`);
      const what = field.description ?? field.format;
      const patterns = patternsOf(field.schema);
      const ok = patterns
        ? (v: string) => {
            for (let i = 0; i < patterns.length; i++) if (!patterns[i]!.test(v)) return false;
            return true;
          }
        : (v: string) => field.schema.safeParse(v).success;
      return (v) => {
        if (typeof v !== 'string') return `expected text, got ${show(v)}`;
        return ok(v) ? undefined : `${show(v)} is not valid for ${field.path} (${what})`;
      };
    }
    case 'number':
      return (v) =>
        typeof v === 'number' && Number.isFinite(v)
          ? undefined
          : `expected a number, got ${show(v)}`;
    case 'integer':
      return (v) => (Number.isInteger(v) ? undefined : `expected a whole number, got ${show(v)}`);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? undefined : `expected true or false, got ${show(v)}`);
    case 'enum': {
      const allowed = new Set(field.values);
      const list = field.values!.join(', ');
      return (v) => (allowed.has(v as string) ? undefined : `${show(v)} is not one of ${list}`);
    }
    case 'array':
      return (v) => (Array.isArray(v) ? undefined : `expected a list, got ${show(v)}`);
    default:
      return () => undefined;
  }
}
