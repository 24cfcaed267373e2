import { z } from 'zod';

import { asString, defineTransform, Invalid, type Step } from './types.ts';

/** A person's name in parts. */
export interface NameParts {
  first: string;
  middle: string;
  last: string;
}

const SUFFIX = /^(jr|sr|ii|iii|iv|v)\.?$/i;
/**
 * Words that start a family name when they come before it: `van der Berg`, `De La Cruz`,
 * `von Trapp`, `da Silva`, `St. John`, `bin Salman`. A particle is only taken as the start of the
 * last name when a first name stays in front of it.
 */
const PARTICLE =
  /^(van|von|der|den|de|del|della|dela|la|le|da|das|dos|du|di|ter|ten|st\.?|saint|bin|ibn|al|el|mac)$/i;

/**
 * Splits a full name. `LAST,FIRST MIDDLE` (DMS style, CDK `Name1`) is recognised by its comma;
 * otherwise `First Middle Last`, keeping a suffix (Jr, III) with the last name.
 * @example splitName('BERNAT,ROBERT JOHN') // { first: 'ROBERT', middle: 'JOHN', last: 'BERNAT' }
 */
export function splitName(
  full: string,
  style: 'auto' | 'natural' | 'last-first' = 'auto',
): NameParts {
  const s = full.trim().replace(/\s+/g, ' ');
  const comma = s.indexOf(',');
  if (style === 'last-first' || (style === 'auto' && comma >= 0)) {
    const last = (comma >= 0 ? s.slice(0, comma) : s).trim();
    const rest =
      comma >= 0
        ? s
            .slice(comma + 1)
            .trim()
            .split(' ')
            .filter(Boolean)
        : [];
    return { first: rest[0] ?? '', middle: rest.slice(1).join(' '), last };
  }
  const words = s.split(' ').filter(Boolean);
  if (words.length <= 1) return { first: words[0] ?? '', middle: '', last: '' };
  let lastStart = words.length - 1;
  if (SUFFIX.test(words[lastStart]!) && lastStart > 1) lastStart--;
  while (lastStart > 1 && PARTICLE.test(words[lastStart - 1]!)) lastStart--;
  return {
    first: words[0]!,
    middle: words.slice(1, lastStart).join(' '),
    last: words.slice(lastStart).join(' '),
  };
}

/** Joins name parts in `First Middle Last` or `LAST,FIRST MIDDLE` order, skipping empty parts. */
export function joinName(p: NameParts, style: 'natural' | 'last-first'): string {
  const given = [p.first, p.middle].filter(Boolean).join(' ');
  if (style === 'last-first') return p.last ? (given ? `${p.last},${given}` : p.last) : given;
  return [given, p.last].filter(Boolean).join(' ');
}

const style = z.enum(['auto', 'natural', 'last-first']).default('auto');

/** nameSplit: one part of a full name. Not invertible (the other parts are lost). */
export const nameSplit = defineTransform({
  name: 'nameSplit',
  summary:
    'Take one part (first, middle, last, full) of a full name; understands LAST,FIRST MIDDLE.',
  options: z.strictObject({
    part: z.enum(['first', 'middle', 'last', 'full']).describe('Which part to keep.'),
    style: style.describe('auto: LAST,FIRST MIDDLE when there is a comma, else First Middle Last.'),
  }),
  idempotent: false,
  create: (o) => ({
    forward: (v) => {
      const s = asString(v);
      if (s instanceof Invalid) return s;
      const parts = splitName(s, o.style);
      return o.part === 'full' ? joinName(parts, 'natural') : parts[o.part];
    },
  }),
});

/**
 * nameJoin: name parts read from several `from` paths (first, last; or first, middle, last) into
 * one full name. The inverse splits it back into as many parts as there are paths.
 */
export const nameJoin = defineTransform({
  name: 'nameJoin',
  summary: 'Join name parts (from: [first, last] or [first, middle, last]) into a full name.',
  options: z.strictObject({
    style: z
      .enum(['natural', 'last-first'])
      .default('natural')
      .describe('natural: First Middle Last; last-first: LAST,FIRST MIDDLE.'),
  }),
  idempotent: false,
  create: (o, ctx) => {
    const toParts = (v: unknown): NameParts => {
      const a = (Array.isArray(v) ? v : [v]).map((x) => (x == null ? '' : String(x).trim()));
      return a.length >= 3
        ? { first: a[0]!, middle: a[1]!, last: a[2]! }
        : { first: a[0] ?? '', middle: '', last: a[1] ?? '' };
    };
    const forward: Step = (v) => joinName(toParts(v), o.style) || undefined;
    const inverse: Step = (v) => {
      const p = splitName(String(v), o.style === 'natural' ? 'natural' : 'last-first');
      if (ctx.arity >= 3) return [p.first, p.middle, p.last];
      return [[p.first, p.middle].filter(Boolean).join(' '), p.last];
    };
    return { forward, inverse };
  },
});

/**
 * namePart: one part of a person's name from `from: [first, last, full]` (lead forms ask either
 * a full name or first and last apart): the given part when the form has it, else that part of
 * the full name. With one path it reads a full name, as nameSplit does.
 */
export const namePart = defineTransform({
  name: 'namePart',
  summary: 'First or last name from [first, last, full] paths: the part itself, else split full.',
  options: z.strictObject({
    part: z.enum(['first', 'last']).describe('Which part to keep.'),
  }),
  idempotent: false,
  create: (o) => ({
    forward: (v) => {
      const [first, last, full] = (Array.isArray(v) ? v : [undefined, undefined, v]).map((x) =>
        x == null ? '' : String(x).trim(),
      );
      const given = o.part === 'first' ? first : last;
      if (given) return given;
      // A form with only one of first/last: the other is not split out of it.
      if (first || last || !full) return undefined;
      return splitName(full, 'natural')[o.part] || undefined;
    },
  }),
});
