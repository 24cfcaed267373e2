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

/** What the parts of one field's plan share. */
interface FieldScope {
  name: string;
  f: FieldSpec;
  ctx: FieldContext;
  problems: Problem[];
  at: DocPath;
  direction: NonNullable<FieldSpec['direction']>;
  source: 'from' | 'value' | 'template';
  cf: ReturnType<FieldContext['fields']['get']>;
  /** The system path the out leg writes. */
  systemOut: string | string[] | undefined;
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
  const d = ctx.spec.defaults;
  const fs: FieldScope = {
    name,
    f,
    ctx,
    problems,
    at: ['fields', name],
    direction: f.direction ?? d.direction,
    source: 'from' in f ? 'from' : 'value' in f ? 'value' : 'template',
    cf: ctx.fields.get(name),
    systemOut: f.to ?? ('from' in f ? f.from : undefined),
  };
  checkShape(fs);
  const steps = planFieldSteps(fs);
  const { at, direction, cf } = fs;
  const when = f.when && attempt(problems, [...at, 'when'], () => compileCondition(f.when!));
  const plan: FieldPlan = {
    name,
    direction,
    owner: f.owner ?? d.owner,
    required: f.required || (cf?.required ?? false),
    ...(when ? { when } : {}),
  };
  planLegs(fs, steps, plan);
  return plan;
}

/** The field exists on the entity (or is an out label), and its direction fits its source. */
function checkShape({ name, ctx, problems, at, direction, source, cf, systemOut }: FieldScope) {
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
  if (direction !== 'in' && systemOut === undefined) {
    problems.push({
      path: at,
      message: `an out ${source} field needs "to": the system path it writes`,
    });
  }
}

/** The field's transform steps (each invertible when the field is "both") and its value map. */
function planFieldSteps({ f, ctx, problems, at, direction, cf }: FieldScope): PlannedStep[] {
  const d = ctx.spec.defaults;
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
  return steps;
}

/** Where the field's value comes from: a system path, a constant or a template. */
function sourceReaderOf({ f, problems, at }: FieldScope): Getter | undefined {
  if ('from' in f) return readerOf(f.from, problems, [...at, 'from']);
  if ('value' in f) return constant(f.value);
  if (attempt(problems, [...at, 'template'], () => templatePaths(f.template)))
    return compileTemplate(f.template);
  return undefined;
}

/** Compiles the in leg (system → hub) and the out leg (hub → system) the direction asks for. */
function planLegs(fs: FieldScope, steps: PlannedStep[], plan: FieldPlan): void {
  const { name, f, problems, at, direction, source, cf, systemOut } = fs;
  const sourceRead = sourceReaderOf(fs);
  const forward = chain(compilePipeline(steps), f.values && compileValueMap(f.values));
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
}
