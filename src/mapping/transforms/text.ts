import { z } from 'zod';

import { asString, defineTransform, identity, Invalid, type Step } from './types.ts';

const none = z.strictObject({});

const textStep =
  (f: (s: string) => string): Step =>
  (v) => {
    const s = asString(v);
    return s instanceof Invalid ? s : f(s);
  };

/** Capitalizes each word, keeping `O'Brien`, `Smith-Jones` and `McDonald` readable. */
export function titleCase(s: string): string {
  return s
    .toLowerCase()
    .replace(/(^|[\s\-'’(/])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase())
    .replace(/\bMc(\p{Ll})/gu, (_, ch: string) => `Mc${ch.toUpperCase()}`);
}

/** Removes leading and trailing white space and collapses inner runs to one space. */
export const trim = defineTransform({
  name: 'trim',
  summary: 'Remove surrounding white space and collapse inner runs to one space.',
  options: none,
  idempotent: true,
  create: () => ({ forward: textStep((s) => s.trim().replace(/\s{2,}/g, ' ')), inverse: identity }),
});

/** Lower-cases text. */
export const lower = defineTransform({
  name: 'lower',
  summary: 'Lower-case the text.',
  options: none,
  idempotent: true,
  create: () => ({ forward: textStep((s) => s.toLowerCase()), inverse: identity }),
});

/** Upper-cases text. */
export const upper = defineTransform({
  name: 'upper',
  summary: 'Upper-case the text.',
  options: none,
  idempotent: true,
  create: () => ({ forward: textStep((s) => s.toUpperCase()), inverse: identity }),
});

/** Title-cases text (names, cities). */
export const title = defineTransform({
  name: 'title',
  summary: "Title-case the text (ROBERT O'NEIL → Robert O'Neil).",
  options: none,
  idempotent: true,
  create: () => ({ forward: textStep(titleCase), inverse: identity }),
});

/** Turns numbers and booleans into text. */
export const string = defineTransform({
  name: 'string',
  summary: 'Turn a number or boolean into text.',
  options: none,
  idempotent: true,
  create: () => ({ forward: asString, inverse: identity }),
});

/** Replaces what a regular expression matches. Not invertible. */
export const replace = defineTransform({
  name: 'replace',
  summary: 'Replace every match of a regular expression (not invertible).',
  options: z.strictObject({
    pattern: z.string().min(1).describe('JavaScript regular expression, e.g. "[^0-9]".'),
    with: z.string().default('').describe('Replacement text; $1 refers to a group.'),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'only i, m, s, u')
      .default('')
      .describe('Regex flags.'),
  }),
  idempotent: false,
  create: (o) => {
    const re = new RegExp(o.pattern, `g${o.flags}`);
    return { forward: textStep((s) => s.replace(re, o.with)) };
  },
});
