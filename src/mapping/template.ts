import { compileGetter, type Getter } from './accessor.ts';
import { parsePath } from './path.ts';
import { tidy } from './transforms/text.ts';

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

/** The paths a template reads, for validation. @throws PathSyntaxError */
export function templatePaths(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    parsePath(m[1]!);
    out.push(m[1]!);
  }
  return out;
}

/**
 * Compiles `"{{year}} {{make}} {{model}}"` once into literal parts and getters. Rendering joins
 * them, trims and collapses spaces left by missing values; all placeholders missing gives
 * `undefined`.
 */
export function compileTemplate(template: string): (record: unknown) => string | undefined {
  const literals: string[] = [];
  const getters: Getter[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, m.index));
    getters.push(compileGetter(m[1]!));
    last = m.index + m[0].length;
  }
  const tail = template.slice(last);
  if (getters.length === 0) return () => template;
  return (record) => {
    let out = '';
    let found = false;
    for (let i = 0; i < getters.length; i++) {
      const v = getters[i]!(record);
      out += literals[i];
      if (v !== undefined && v !== null && v !== '') {
        out += String(v);
        found = true;
      }
    }
    return found ? tidy(out + tail) : undefined;
  };
}
