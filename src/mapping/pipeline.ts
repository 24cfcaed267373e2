import { asString, Invalid, type Step } from './transforms/types.ts';

/** A step with whether it also runs on missing values. */
export interface PipelineStep {
  fn: Step;
  acceptsMissing: boolean;
  /** The step on text alone, when it has one (see `CompiledTransform.text`). */
  text?: (s: string) => string;
}

type TextFn = (s: string) => string;

/** One step for a run of text steps: the value is turned into text and checked once. */
function textRun(fs: TextFn[]): Step {
  const [f, g] = fs as [TextFn, TextFn];
  if (fs.length === 2)
    return (v) => {
      const s = asString(v);
      if (s instanceof Invalid) return s;
      const t = f(s);
      return t === '' ? t : g(t);
    };
  return (v) => {
    let s = asString(v);
    if (s instanceof Invalid) return s;
    // Empty text is missing: the pipeline would skip the remaining steps.
    for (let i = 0; i < fs.length && s !== ''; i++) s = fs[i]!(s);
    return s;
  };
}

/** Runs of two or more text steps become one step. */
function fuseText(steps: readonly PipelineStep[]): PipelineStep[] {
  const out: PipelineStep[] = [];
  let i = 0;
  while (i < steps.length) {
    let j = i;
    while (j < steps.length && steps[j]!.text) j++;
    if (j - i < 2) out.push(steps[i++]!);
    else {
      out.push({ fn: textRun(steps.slice(i, j).map((s) => s.text!)), acceptsMissing: false });
      i = j;
    }
  }
  return out;
}

/** `null` and `''` count as missing, like `undefined`: CRMs use all three for "no value". */
export const missing = (v: unknown): v is undefined | null | '' =>
  v === undefined || v === null || v === '';

/**
 * Compiles steps into one function. Missing values skip the steps (except `default`); an
 * `Invalid` from any step stops the pipeline and is returned.
 */
export function compilePipeline(planned: readonly PipelineStep[]): Step {
  const steps = fuseText(planned);
  const fns = steps.map((s) => s.fn);
  const acc = steps.map((s) => s.acceptsMissing);
  const n = fns.length;
  if (n === 0) return (v) => (missing(v) ? undefined : v);
  if (n === 1 && !acc[0]) {
    const f = fns[0]!;
    return (v) => {
      if (missing(v)) return undefined;
      const r = f(v);
      return missing(r) ? undefined : r;
    };
  }
  return (v) => {
    let cur: unknown = missing(v) ? undefined : v;
    for (let i = 0; i < n; i++) {
      if (cur === undefined && !acc[i]) continue;
      cur = fns[i]!(cur);
      if (cur instanceof Invalid) return cur;
      if (missing(cur)) cur = undefined;
    }
    return cur;
  };
}
