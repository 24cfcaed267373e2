import { z } from 'zod';

import type { RunCounts, RunMapping } from '../entities/sync.ts';
import { cronProblem, isTimeZone } from './schedule.ts';

/** Which way a sync moves records. */
export const SYNC_MODES = ['inbound', 'outbound', 'two-way'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** Body of "create sync": the user-written part of a sync. */
export const SyncInputSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .describe('A name people recognize, e.g. "HubSpot contacts both ways"'),
    connectionId: z.string().min(1).describe('The connection the sync runs on'),
    mapping: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,80}$/,
        'a mapping file name without .yaml, e.g. hubspot-contacts',
      )
      .describe(
        "Mapping name: the tenant's own (saved with PUT .../mappings/{name}) or a file in mappings/ without .yaml",
      ),
    mode: z.enum(SYNC_MODES).describe('inbound, outbound or two-way'),
    stream: z
      .string()
      .min(1)
      .optional()
      .describe("Stream to read (inbound); defaults to the mapping's stream"),
    sink: z
      .string()
      .min(1)
      .optional()
      .describe("Sink to write (outbound); defaults to the mapping's stream"),
    schedule: z
      .string()
      .regex(/^(\S+\s+){4,5}\S+$/, 'a cron pattern of 5 or 6 fields, e.g. "*/15 * * * *"')
      .superRefine((v, ctx) => {
        const problem = cronProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .nullable()
      .default(null)
      .describe('Cron schedule; null runs only on demand and on webhooks'),
    timezone: z
      .string()
      .min(1)
      .refine(isTimeZone, 'not an IANA time zone, e.g. "America/Chicago" or "UTC"')
      .default('UTC')
      .describe('Time zone of the cron schedule'),
    debounceMs: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(5_000)
      .describe('Webhook-triggered runs wait this long to gather changes'),
  })
  .strict();
export type SyncInput = z.input<typeof SyncInputSchema>;

export type { RunCounts, RunMapping, RunReport, RunTrigger, Sync } from '../entities/sync.ts';

/**
 * Named counters of a run worth a person's attention beyond the counts: `duplicateRows` (rows
 * whose record key was read earlier in the run), `unmatchable.<reason>` (records identity could
 * match to nobody: `noContactDetails`, `nameWithoutPostal`, `businessWithoutEmailOrPhone`...),
 * `skipped.<reason>` and `leftOut.<reason>` (records, or parts of records, a sink left out by design).
 */
export type RunNotes = Record<string, number>;

/** The counts of one ingested page, with its notes. */
export interface PageCounts extends RunCounts {
  notes?: RunNotes;
}

/** A run's mapping in one phrase: `crm-contacts v2 (tenant, 3f9a…)` or `crm-contacts (shipped, 77c1…)`. */
export function mappingLabel(m: RunMapping | undefined): string {
  if (!m) return '-';
  const hash = `${m.hash.slice(0, 12)}…`;
  return m.source === 'tenant'
    ? `${m.name} v${m.version} (tenant, ${hash})`
    : `${m.name} (shipped, ${hash})`;
}

/** A fresh set of zero counts. */
export const zeroCounts = (): RunCounts => ({
  read: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  quarantined: 0,
  written: 0,
  skipped: 0,
  failed: 0,
});
