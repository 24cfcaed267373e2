import type { CanonicalField } from '../canonical/fields.ts';
import { compileGetter, compileSetter, type Getter, type Setter } from './accessor.ts';
import type { DocPath } from './errors.ts';
import type { Problem } from './explain.ts';
import { PathSyntaxError } from './path.ts';
import type { PipelineStep } from './pipeline.ts';
import type { StepSpec, ValueMapSpec } from './schema.ts';
import { suggestion } from './suggest.ts';
import { transforms } from './transforms/index.ts';
import { Invalid, type Step, type TransformContext } from './transforms/types.ts';

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs `make`, turning a throw into a problem at `path`. */
export function attempt<T>(problems: Problem[], path: DocPath, make: () => T): T | undefined {
  try {
    return make();
  } catch (e) {
    const where = e instanceof PathSyntaxError ? ` (character ${e.at + 1})` : '';
    problems.push({ path, message: `${reason(e)}${where}` });
    return undefined;
  }
}

/** Compiles one path or several into a reader; several read as a list (undefined when all missing). */
export function readerOf(
  paths: string | string[],
  problems: Problem[],
  at: DocPath,
): Getter | undefined {
  if (typeof paths === 'string') return attempt(problems, at, () => compileGetter(paths));
  const getters = paths.map((p, i) => attempt(problems, [...at, i], () => compileGetter(p)));
  if (getters.some((g) => !g)) return undefined;
  return (r) => {
    const vals = getters.map((g) => g!(r));
    return vals.every((v) => v === undefined || v === null || v === '') ? undefined : vals;
  };
}

/** Compiles one path or several into a writer; several take a list, one item each. */
export function writerOf(paths: string | string[], problems: Problem[], at: DocPath) {
  if (typeof paths === 'string') return attempt(problems, at, () => compileSetter(paths));
  const setters = paths.map((p, i) => attempt(problems, [...at, i], () => compileSetter(p)));
  if (setters.some((s) => !s)) return undefined;
  const write: Setter = (r, v) => {
    if (!Array.isArray(v)) throw new Error('unreachable: checked by the caller');
    setters.forEach((s, i) => v[i] !== undefined && v[i] !== '' && s!(r, v[i]));
  };
  return write;
}

/** A compiled transform step with its inverse, as planned for one field. */
export interface PlannedStep extends PipelineStep {
  name: string;
  inverse?: Step;
}

/** Compiles a field's transform steps with the mapping's context; problems for bad options. */
export function planSteps(
  specs: StepSpec[],
  ctx: TransformContext,
  problems: Problem[],
  at: DocPath,
): PlannedStep[] {
  return specs.flatMap((spec, i) => {
    const name = typeof spec === 'string' ? spec : Object.keys(spec)[0]!;
    const def = transforms.get(name)!;
    const options =
      typeof spec === 'string' ? def.options.parse({}) : (spec as Record<string, unknown>)[name];
    const made = attempt(problems, [...at, i], () => def.create(options as never, ctx));
    if (!made) return [];
    return [
      {
        name,
        fn: made.forward,
        inverse: made.inverse,
        acceptsMissing: def.acceptsMissing === true,
        ...(made.text ? { text: made.text } : {}),
      },
    ];
  });
}

/** Checks a value map against an enum canonical field: `source` keys or `target` values. */
export function checkValueMap(
  vm: ValueMapSpec,
  cf: CanonicalField | undefined,
  side: 'target' | 'source',
  problems: Problem[],
  at: DocPath,
): void {
  if (cf?.kind !== 'enum') return;
  const allowed = cf.values!;
  const bad = (v: unknown, path: DocPath) => {
    if (allowed.includes(String(v))) return;
    problems.push({
      path,
      message: `${JSON.stringify(v)} is not a ${cf.path} value (${allowed.join(', ')})${suggestion(String(v), allowed)}`,
    });
  };
  for (const [k, v] of Object.entries(vm.map)) bad(side === 'target' ? v : k, [...at, 'map', k]);
  if (vm.default !== undefined && side === 'target') bad(vm.default, [...at, 'default']);
  for (const [c, s] of Object.entries(vm.reverse ?? {})) {
    const back = vm.map[String(s)];
    if (back !== c)
      problems.push({
        path: [...at, 'reverse', c],
        message: `map sends ${JSON.stringify(s)} to ${JSON.stringify(back)}, not ${JSON.stringify(c)}`,
      });
  }
}

/** Chains a step and a value-map step; `undefined` and Invalid pass through. */
export function chain(first: Step, second: Step | undefined): Step {
  if (!second) return first;
  return (v) => {
    const r = first(v);
    return r === undefined || r instanceof Invalid ? r : second(r);
  };
}
