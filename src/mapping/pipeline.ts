import { Invalid, type Step } from './transforms/types.ts';

/** A step with whether it also runs on missing values. */
export interface PipelineStep {
  fn: Step;
  acceptsMissing: boolean;
}

/** `null` and `''` count as missing, like `undefined`: CRMs use all three for "no value". */
export const missing = (v: unknown): v is undefined | null | '' =>
  v === undefined || v === null || v === '';

/**
 * Compiles steps into one function. Missing values skip the steps (except `default`); an
 * `Invalid` from any step stops the pipeline and is returned.
 */
export function compilePipeline(steps: readonly PipelineStep[]): Step {
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
