import { z } from 'zod';

import { patternProblem } from '../regex-safety.ts';
import { asString, defineTransform, identity, textTransform } from './types.ts';

const none = z.strictObject({});

const MC = /\bMc(\p{Ll})/gu;
const upperMc = (_: string, ch: string) => `Mc${ch.toUpperCase()}`;

/** After these a word starts: space, tab, newline, `-`, `'`, `’`, `(` and `/`. */
const startsWord = (c: number) =>
  c === 32 || c === 9 || c === 10 || c === 45 || c === 39 || c === 0x2019 || c === 40 || c === 47;

/**
 * Capitalizes each word, keeping `O'Brien`, `Smith-Jones` and `McDonald` readable. A plain loop
 * that copies the text between word starts in slices: this runs on every name of every record.
 */
export function titleCase(s: string): string {
  const lower = s.toLowerCase();
  let out = '';
  let copied = 0;
  let start = true;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    // Only letters change case: ASCII a-z by arithmetic, the rest of Unicode by toUpperCase.
    if (start && c >= 97 && (c <= 122 || c > 127)) {
      const upper = c <= 122 ? String.fromCharCode(c - 32) : lower[i]!.toUpperCase();
      out += lower.slice(copied, i) + upper;
      copied = i + 1;
    }
    start = startsWord(c);
  }
  out += lower.slice(copied);
  if (out.includes('Mc')) out = out.replace(MC, upperMc);
  return s.length === out.length && PARTICLE.test(s) ? keepParticles(s, out) : out;
}

/**
 * Family-name particles written in lower case inside a name (`Pieter van der Berg`,
 * `de la Cruz` as a last name alone) are kept as written; `DE LA CRUZ` still becomes `De La Cruz`.
 */
const PARTICLE =
  /(?<=^| )(?:van|von|der|den|de|del|della|la|le|da|das|dos|du|di|ter|ten|bin|ibn)(?= )/;
const PARTICLES = new RegExp(PARTICLE.source, 'g');

function keepParticles(original: string, titled: string): string {
  let out = titled;
  for (const m of original.matchAll(PARTICLES))
    out = out.slice(0, m.index) + m[0] + out.slice(m.index + m[0].length);
  return out;
}

const RUNS = /\s{2,}/g;
const HAS_RUN = /\s\s/;

/** Trims and collapses inner white space runs to one space (the replace only when needed). */
export function tidy(s: string): string {
  const t = s.trim();
  return HAS_RUN.test(t) ? t.replace(RUNS, ' ') : t;
}

/** Removes leading and trailing white space and collapses inner runs to one space. */
export const trim = defineTransform({
  name: 'trim',
  summary: 'Remove surrounding white space and collapse inner runs to one space.',
  options: none,
  idempotent: true,
  create: () => textTransform(tidy, identity),
});

const caseTransform = (name: string, summary: string, f: (s: string) => string) =>
  defineTransform({
    name,
    summary,
    options: none,
    idempotent: true,
    create: () => textTransform(f, identity),
  });

/** Lower-cases text. */
export const lower = caseTransform('lower', 'Lower-case the text.', (s) => s.toLowerCase());
/** Upper-cases text. */
export const upper = caseTransform('upper', 'Upper-case the text.', (s) => s.toUpperCase());
/** Title-cases text (names, cities). */
export const title = caseTransform(
  'title',
  "Title-case the text (ROBERT O'NEIL → Robert O'Neil).",
  titleCase,
);

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
  options: z
    .strictObject({
      pattern: z.string().min(1).describe('JavaScript regular expression, e.g. "[^0-9]".'),
      with: z.string().default('').describe('Replacement text; $1 refers to a group.'),
      flags: z
        .string()
        .regex(/^[imsu]*$/, 'only i, m, s, u')
        .default('')
        .describe('Regex flags.'),
    })
    .superRefine((o, ctx) => {
      const problem = patternProblem(o.pattern, o.flags);
      if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
    }),
  idempotent: false,
  create: (o) => {
    const re = new RegExp(o.pattern, `g${o.flags}`);
    return textTransform((s) => s.replace(re, o.with));
  },
});
