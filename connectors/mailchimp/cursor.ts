import type { z } from 'zod';

import { PermanentError } from '../../src/sdk/errors.ts';

/** Parses a stored cursor (JSON); null starts a backfill. */
export function parseCursor<S extends z.ZodType>(
  schema: S,
  text: string | null,
): z.output<S> | null {
  if (text === null) return null;
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    throw new PermanentError(`unreadable cursor ${text.slice(0, 80)}; reset the sync to backfill`);
  }
}

/** Mailchimp's ISO form of a time (`2021-03-02T19:04:19+00:00`). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}
