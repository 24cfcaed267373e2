import { z } from '@hono/zod-openapi';

import { SyncInputSchema } from '../sync/types.ts';

/**
 * The sync engine's entities, one schema each, shared by their stores (`SyncStore`, `RunStore`,
 * `EntryStore`) and the API's answers (named components of the OpenAPI document).
 */

/** A sync as stored and shown: the user-written part (`SyncInputSchema`) and the hub's. */
export const SyncSchema = z
  .object({
    ...SyncInputSchema.shape,
    id: z.string().min(1),
    tenantId: z.string().min(1),
    status: z.enum(['active', 'paused']),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Sync');
/** A sync. */
export type Sync = z.output<typeof SyncSchema>;

/**
 * Counts of one run. Inbound: every record read ends as created, updated, unchanged or
 * quarantined. Outbound: every changed record ends as written, skipped (the destination already
 * has it, or the mapping's conditions exclude it), quarantined or failed (dead letter).
 */
export const RunCountsSchema = z.object({
  read: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  quarantined: z.number().int(),
  written: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
});
/** Counts of one run. */
export type RunCounts = z.output<typeof RunCountsSchema>;

/** How a run was started. */
export const RUN_TRIGGERS = ['schedule', 'manual', 'webhook', 'backfill', 'replay'] as const;
/** How a run was started. */
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** The mapping a run used: its name, where it came from (a tenant version, or the shipped file) and content hash. */
export const RunMappingSchema = z.object({
  name: z.string(),
  source: z.enum(['tenant', 'shipped']),
  version: z.number().int().optional().describe("The tenant's version (tenant mappings)"),
  hash: z.string().describe('SHA-256 of the YAML text'),
});
/** The mapping a run used. */
export type RunMapping = z.output<typeof RunMappingSchema>;

/** The report of one run. */
export const RunSchema = z
  .object({
    id: z.string().min(1),
    syncId: z.string().min(1),
    tenantId: z.string().min(1),
    trigger: z.enum(RUN_TRIGGERS),
    status: z
      .enum(['running', 'succeeded', 'failed', 'coalesced', 'interrupted', 'parked'])
      .describe('interrupted: its worker stopped or lost its lock before the end'),
    parkedUntil: z
      .string()
      .optional()
      .describe('parked: when the run goes on (the vendor asked to wait past the in-run cap)'),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    counts: RunCountsSchema,
    mapping: RunMappingSchema.optional().describe(
      "The mapping the run used: the tenant's own (which version) or the shipped file",
    ),
    notes: z
      .record(z.string(), z.number())
      .optional()
      .describe(
        'Named counters: duplicateRows, unmatchable.<reason> (records matched to nobody), skipped.<reason> and leftOut.<reason> (records or parts of them a sink left out by design)',
      ),
    batches: z.number().int().describe('Pages/batches done so far, for progress displays'),
    errors: z.array(z.string()),
    holder: z
      .string()
      .optional()
      .describe('Token of the sync lock the run was started under (webhook ingests take none)'),
  })
  .openapi('Run');
/** The report of one run. */
export type RunReport = z.output<typeof RunSchema>;

/** Why one field of a record was refused. */
export const FieldProblemSchema = z.object({ field: z.string(), reason: z.string() });
/** Why one field of a record was refused. */
export type FieldProblem = z.output<typeof FieldProblemSchema>;

/**
 * A record the hub refused: kept whole with the reasons, until fixed and replayed or discarded.
 * Inbound entries hold the system record as read; outbound entries the canonical id.
 */
const entryShape = {
  id: z.string().min(1),
  tenantId: z.string().min(1),
  syncId: z.string(),
  connectionId: z.string(),
  direction: z.enum(['in', 'out']),
  stream: z.string(),
  externalKey: z.string().nullable(),
  record: z.record(z.string(), z.unknown()),
  problems: z.array(FieldProblemSchema),
  at: z.string(),
  replays: z.number().int().describe('Times it was replayed and failed again'),
};

/** A quarantined record: one the hub refused, with the reasons. */
export const QuarantineEntrySchema = z.object(entryShape).openapi('QuarantineEntry');
/** A quarantine entry (dead letters share its shape). */
export type QuarantineEntry = z.output<typeof QuarantineEntrySchema>;

/** A dead letter: an outbound item that kept failing for a retryable reason (the quarantine's shape). */
export const DeadLetterSchema = z.object(entryShape).openapi('DeadLetter');
/** A dead letter. */
export type DeadLetter = z.output<typeof DeadLetterSchema>;
