import { z } from 'zod';

import { defineTransform, identity, type Step } from './types.ts';

const toText = (x: unknown): string => (x == null ? '' : String(x).trim());

/** split: text to a list (empty items dropped); the inverse joins. */
export const split = defineTransform({
  name: 'split',
  summary: 'Split text into a list on a separator (items trimmed, empty ones dropped).',
  options: z.strictObject({
    separator: z.string().min(1).default(',').describe('Separator, e.g. "," or ";".'),
  }),
  idempotent: false,
  create: (o) => ({
    forward: (v) => {
      const items = (Array.isArray(v) ? v.map(toText) : toText(v).split(o.separator)).map((x) =>
        x.trim(),
      );
      const kept = items.filter(Boolean);
      return kept.length > 0 ? kept : undefined;
    },
    inverse: (v) => (Array.isArray(v) ? v.join(o.separator) : v),
  }),
});

/**
 * join: a list (or several `from` paths) to text, skipping empty items. The inverse splits it
 * again into at most as many items as there are paths, the rest staying in the last.
 */
export const join = defineTransform({
  name: 'join',
  summary: 'Join a list (or several from paths) into text, skipping empty items.',
  options: z.strictObject({
    separator: z.string().default(' ').describe('Separator between items.'),
  }),
  idempotent: false,
  create: (o, ctx) => {
    const forward: Step = (v) =>
      (Array.isArray(v) ? v : [v]).map(toText).filter(Boolean).join(o.separator) || undefined;
    const inverse: Step = (v) => {
      const parts = String(v).split(o.separator);
      if (ctx.arity <= 1) return parts;
      const head = parts.slice(0, ctx.arity - 1);
      return [...head, parts.slice(ctx.arity - 1).join(o.separator)];
    };
    return { forward, inverse };
  },
});

/** default: a value for a missing field. */
export const defaultValue = defineTransform({
  name: 'default',
  summary: 'Use this value when the field is missing or empty.',
  options: z.strictObject({
    value: z.union([z.string(), z.number(), z.boolean()]).describe('The value to use.'),
  }),
  idempotent: true,
  acceptsMissing: true,
  create: (o) => ({ forward: (v) => (v === undefined ? o.value : v), inverse: identity }),
});

/**
 * first: the first item that is not empty, for several `from` paths that are alternatives (lead
 * forms name the same question `zip_code`, `post_code` or `postal_code`). Not invertible: which
 * path the value came from is lost.
 */
export const first = defineTransform({
  name: 'first',
  summary: 'The first non-empty value of several from paths (alternative names of one field).',
  options: z.strictObject({}),
  idempotent: true,
  create: () => ({
    forward: (v) => (Array.isArray(v) ? v.find((x) => toText(x) !== '') : v),
  }),
});
