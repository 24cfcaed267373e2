import { compileGetter } from './accessor.ts';
import type { ConditionSpec } from './schema.ts';

/** A compiled `when`: reads the system and the canonical record. */
export type Condition = (system: unknown, canonical: unknown) => boolean;

const same = (a: unknown, b: unknown) =>
  a === b || (a != null && b != null && String(a) === String(b));

function compileOne(c: ConditionSpec): Condition {
  const get = compileGetter((c.system ?? c.canonical)!);
  const onSystem = c.system !== undefined;
  const tests: ((v: unknown) => boolean)[] = [];
  if (c.equals !== undefined) tests.push((v) => same(v, c.equals));
  if (c.notEquals !== undefined) tests.push((v) => !same(v, c.notEquals));
  if (c.in !== undefined) tests.push((v) => c.in!.some((x) => same(v, x)));
  if (c.exists !== undefined)
    tests.push((v) => (v !== undefined && v !== null && v !== '') === c.exists);
  if (c.matches !== undefined) {
    const re = new RegExp(c.matches);
    tests.push((v) => v != null && re.test(String(v)));
  }
  if (tests.length === 0) tests.push((v) => v !== undefined && v !== null && v !== '');
  return (sys, canon) => {
    const v = get(onSystem ? sys : canon);
    for (const t of tests) if (!t(v)) return false;
    return true;
  };
}

/**
 * Compiles a `when` (one condition or a list that must all hold). `system:` paths read the system
 * record and `canonical:` paths the canonical one; on each direction one of them is the input and
 * the other the output built so far (fields run in file order).
 */
export function compileCondition(spec: ConditionSpec | ConditionSpec[]): Condition {
  const all = (Array.isArray(spec) ? spec : [spec]).map(compileOne);
  if (all.length === 1) return all[0]!;
  return (s, c) => all.every((f) => f(s, c));
}
