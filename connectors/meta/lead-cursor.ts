import { z } from 'zod';

import { cursorCodec } from '../../src/sdk/cursor.ts';
import type { FormRef } from './forms.ts';

const Form = z.object({ id: z.string(), name: z.string().optional() });

/**
 * The leads stream's cursor. Between runs it is the newest `created_time` read (`since`); during a
 * run it also holds the run's forms, the form being read, its next page and the newest time seen,
 * so an interrupted run resumes where it stopped.
 */
export const LeadCursor = z.object({
  since: z.iso.datetime({ offset: true }),
  run: z
    .object({
      forms: z.array(Form),
      form: z.number().int().min(0),
      after: z.string().optional(),
      newest: z.iso.datetime({ offset: true }),
      backfill: z.boolean().default(false),
    })
    .optional(),
});
/** A parsed leads cursor. */
export type LeadCursor = z.output<typeof LeadCursor>;

/** The run part of a cursor. */
export type LeadRun = NonNullable<LeadCursor['run']> & { forms: FormRef[] };

/**
 * Graph times come as `2025-10-08T09:09:27+0000` on lead reads (docs/vendors.md (Meta)); this writes the
 * offset with a colon so every ISO 8601 parser (and the canonical schema) accepts it.
 */
export function isoTime(graphTime: string): string {
  return graphTime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

/** Milliseconds of a Graph or ISO time; NaN when it is not one. */
export const timeMs = (t: string): number => Date.parse(isoTime(t));

/**
 * The codec of the leads cursor. A stored text that is not JSON but a time (an operator's
 * backfill "since") is read as `since`.
 */
export const leadCursor = cursorCodec(LeadCursor, 'meta leads', {
  fromText: (text) =>
    Number.isNaN(timeMs(text)) ? undefined : { since: new Date(timeMs(text)).toISOString() },
});

/**
 * Reads a stored cursor. Null (first run or backfill) starts `backfillDays` ago; a bare ISO time
 * (set by an operator for a backfill "since") is accepted as `since`, as a backfill.
 */
export function parseLeadCursor(
  cursor: string | null,
  backfillDays: number,
  now = Date.now(),
): LeadCursor & { backfill: boolean } {
  const decoded = leadCursor.decode(cursor);
  if (!decoded) {
    const since = new Date(now - backfillDays * 86_400_000).toISOString();
    return { since, backfill: true };
  }
  const plain = cursor !== null && !cursor.startsWith('{');
  return { ...decoded, backfill: plain || (decoded.run?.backfill ?? false) };
}
