import type { CanonicalField } from '../canonical/fields.ts';
import { compileGetter, compileSetter, type Getter, type Setter } from './accessor.ts';
import { compileCheck, type Check } from './check.ts';
import { compileCondition, type Condition } from './condition.ts';
import type { DocPath } from './errors.ts';
import type { Problem } from './explain.ts';
import {
  attempt,
  chain,
  checkValueMap,
  planSteps,
  readerOf,
  writerOf,
  type PlannedStep,
} from './field-parts.ts';
import { compilePipeline, missing } from './pipeline.ts';
import type { FieldSpec, MappingSpec, ValueMapSpec } from './schema.ts';
import { suggestion } from './suggest.ts';
import { compileTemplate, templatePaths } from './template.ts';
import type { Step } from './transforms/types.ts';
import { compileValueMap, compileValueMapInverse } from './values.ts';

/** One direction of a field, compiled: read the source, convert, check, write the destination. */
export interface Leg {
  read: Getter;
  convert: Step;
  check?: Check;
  write: Setter;
}

/** A field compiled for both directions it runs in. */
export interface FieldPlan {
  name: string;
  direction: 'in' | 'out' | 'both';
  owner: string;
  required: boolean;
  when?: Condition;
  in?: Leg;
  out?: Leg;
}

/** What planning a field needs to know about its mapping. */
export interface FieldContext {
  spec: MappingSpec;
  fields: Map<string, CanonicalField>;
}

const constant =
  (v: unknown): Getter =>
  () =>
    v;
const arityOf = (p: string | string[] | undefined) => (Array.isArray(p) ? p.length : 1);
const needsList = (n: number, write: Setter): Setter =>
  n === 1 ? write : (r, v) => (Array.isArray(v) ? write(r, v) : undefined);

/** The out leg of a `both` field: the value map reversed, then each step's inverse, last first. */
function inverseOf(steps: PlannedStep[], values: ValueMapSpec | undefined): Step {
  const pipeline = compilePipeline(
    [...steps].reverse().map((s) => ({ fn: s.inverse ?? s.fn, acceptsMissing: false })),
  );
  const all = values ? chain(compileValueMapInverse(values), pipeline) : pipeline;
  return (v) => (missing(v) ? undefined : all(v));
}

/**
 * Plans one field: checks it against the canonical entity and compiles its legs. Every mistake is
 * a problem with its document path; the plan is only usable when there are none.
 */
export function planField(
  name: string,
  f: FieldSpec,
  ctx: FieldContext,
  problems: Problem[],
): FieldPlan {
  const at: DocPath = ['fields', name];
  const d = ctx.spec.defaults;
  const direction = f.direction ?? d.direction;
  const source = 'from' in f ? 'from' : 'value' in f ? 'value' : 'template';
  const cf = ctx.fields.get(name);
  const isLabel = direction === 'out' && source !== 'from';
  if (!cf && !isLabel) {
    const msg = `unknown ${ctx.spec.entity} field "${name}"${suggestion(name, ctx.fields.keys())}`;
    problems.push({ path: at, atKey: true, message: msg });
  }
  if (direction === 'both' && source !== 'from') {
    problems.push({
      path: [...at, 'direction'],
      message: `a ${source} field cannot be "both": it has no system value to read back; use in or out`,
    });
  }
  const systemOut = f.to ?? ('from' in f ? f.from : undefined);
  if (direction !== 'in' && systemOut === undefined) {
    problems.push({
      path: at,
      message: `an out ${source} field needs "to": the system path it writes`,
    });
  }
  const tctx = {
    country: d.country,
    timeZone: d.timeZone,
    arity: arityOf('from' in f ? f.from : undefined),
  };
  const steps = planSteps(f.transform ?? [], tctx, problems, [...at, 'transform']);
  if (direction === 'both') {
    steps.forEach((s, i) => {
      if (!s.inverse)
        problems.push({
          path: [...at, 'transform', i],
          message: `transform "${s.name}" cannot be inverted, so the field cannot be "both"; use direction in or out`,
        });
    });
  }
  if (f.values)
    checkValueMap(f.values, cf, direction === 'out' ? 'source' : 'target', problems, [
      ...at,
      'values',
    ]);
  const when = f.when && attempt(problems, [...at, 'when'], () => compileCondition(f.when!));

  let sourceRead: Getter | undefined;
  if ('from' in f) sourceRead = readerOf(f.from, problems, [...at, 'from']);
  else if ('value' in f) sourceRead = constant(f.value);
  else if (attempt(problems, [...at, 'template'], () => templatePaths(f.template)))
    sourceRead = compileTemplate(f.template);

  const forward = chain(compilePipeline(steps), f.values && compileValueMap(f.values));
  const plan: FieldPlan = {
    name,
    direction,
    owner: f.owner ?? d.owner,
    required: f.required || (cf?.required ?? false),
    ...(when ? { when } : {}),
  };
  const check = cf && compileCheck(cf);
  if ('value' in f && cf && direction !== 'out' && f.value !== null && !f.transform && !f.values) {
    const bad = check!(f.value);
    if (bad) problems.push({ path: [...at, 'value'], message: bad });
  }
  if (direction !== 'out' && sourceRead && cf) {
    const write = attempt(problems, at, () => compileSetter(name));
    if (write) plan.in = { read: sourceRead, convert: forward, check, write };
  }
  if (direction !== 'in' && systemOut !== undefined) {
    const write = writerOf(systemOut, problems, [...at, f.to ? 'to' : 'from']);
    const read = source !== 'from' ? sourceRead : cf ? compileGetter(name) : undefined;
    const convert = direction === 'both' ? inverseOf(steps, f.values) : forward;
    if (write && read) plan.out = { read, convert, write: needsList(arityOf(systemOut), write) };
  }
  return plan;
}
