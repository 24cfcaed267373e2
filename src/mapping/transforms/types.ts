import type { z } from 'zod';

/** What a step returns when the value is bad; the field gets an error with this reason. */
export class Invalid {
  constructor(readonly reason: string) {}
}

/** One compiled step of a pipeline. Missing values (`undefined`) never reach a step. */
export type Step = (value: unknown) => unknown;

/** Settings a mapping gives every transform (its `defaults` block). */
export interface TransformContext {
  /** ISO 3166-1 alpha-2 country for phones and postal codes without one. */
  country: string;
  /** IANA time zone for date-times without an offset. */
  timeZone: string;
  /** How many system paths the field reads (`from: [first, last]` is 2); 1 for one path. */
  arity: number;
}

/** A transform compiled with its options: forward (system → canonical) and maybe inverse. */
export interface CompiledTransform {
  forward: Step;
  /** Canonical → system. Absent when the transform cannot be inverted. */
  inverse?: Step;
  /**
   * The forward step on text alone, when forward is `asString` then this: the pipeline runs
   * consecutive text steps on one string, converting and checking it once.
   */
  text?: (s: string) => string;
}

/**
 * A named, pure transform. `options` is the zod schema of its options in a mapping file; the
 * mapping schema (and its JSON Schema) is built from these, so a transform is declared once.
 */
export interface TransformDef<O extends z.ZodObject = z.ZodObject> {
  name: string;
  /** One line for docs and the JSON Schema. */
  summary: string;
  options: O;
  /** f(f(x)) = f(x): running it on its own output changes nothing. */
  idempotent: boolean;
  /** Runs on missing values too (only `default` does). */
  acceptsMissing?: boolean;
  create(options: z.output<O>, ctx: TransformContext): CompiledTransform;
}

/** Declares a transform with its option types inferred (an identity function). */
export function defineTransform<O extends z.ZodObject>(def: TransformDef<O>): TransformDef<O> {
  return def;
}

/** Shared: the identity step, the inverse of every normalizing transform. */
export const identity: Step = (v) => v;

/** Shared: a transform of text (numbers and booleans are turned into text first). */
export function textTransform(f: (s: string) => string, inverse?: Step): CompiledTransform {
  const forward: Step = (v) => {
    const s = asString(v);
    return s instanceof Invalid ? s : f(s);
  };
  return inverse ? { forward, inverse, text: f } : { forward, text: f };
}

/** Shared: a step that needs a string gets one from a number, or an Invalid otherwise. */
export function asString(v: unknown): string | Invalid {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return new Invalid(`expected text, got ${JSON.stringify(v)}`);
}
