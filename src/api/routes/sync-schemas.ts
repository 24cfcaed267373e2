import { z } from '@hono/zod-openapi';

import { SYNC_MODES, SyncInputSchema } from '../../sync/types.ts';
import { TenantParam } from './schemas.ts';

/** Path parameters of one sync. */
export const SyncParam = TenantParam.extend({
  syncId: z
    .string()
    .openapi({ param: { name: 'syncId', in: 'path' }, example: 's_1a2b3c4d5e6f7a8b' }),
});

/** Path parameters of one run. */
export const RunParam = TenantParam.extend({
  runId: z.string().openapi({ param: { name: 'runId', in: 'path' } }),
});

/** Path parameters of one quarantine entry or dead letter. */
export const EntryParam = TenantParam.extend({
  entryId: z.string().openapi({ param: { name: 'entryId', in: 'path' } }),
});

/**
 * Body of POST syncs: the sync engine's own schema (plain zod, so it stays free of HTTP concerns;
 * OpenAPI renders it inline).
 */
export const SyncCreateSchema = SyncInputSchema;

/** A sync. */
export const SyncSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    connectionId: z.string(),
    mapping: z.string(),
    mode: z.enum(SYNC_MODES),
    stream: z.string().optional(),
    sink: z.string().optional(),
    schedule: z.string().nullable(),
    timezone: z.string(),
    debounceMs: z.number(),
    status: z.enum(['active', 'paused']),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Sync');

const counts = z.object({
  read: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  quarantined: z.number(),
  written: z.number(),
  skipped: z.number(),
  failed: z.number(),
});

/** A run report. */
export const RunSchema = z
  .object({
    id: z.string(),
    syncId: z.string(),
    tenantId: z.string(),
    trigger: z.string(),
    status: z.enum(['running', 'succeeded', 'failed', 'coalesced', 'interrupted', 'parked']),
    parkedUntil: z
      .string()
      .optional()
      .describe('parked: when the run goes on (the vendor asked to wait past the in-run cap)'),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    counts,
    mapping: z
      .object({
        name: z.string(),
        source: z.enum(['tenant', 'shipped']),
        version: z.number().int().optional().describe("The tenant's version (tenant mappings)"),
        hash: z.string().describe('SHA-256 of the YAML text'),
      })
      .optional()
      .describe("The mapping the run used: the tenant's own (which version) or the shipped file"),
    notes: z
      .record(z.string(), z.number())
      .optional()
      .describe(
        'Named counters: duplicateRows, unmatchable.<reason> (records matched to nobody), skipped.<reason> and leftOut.<reason> (records or parts of them a sink left out by design)',
      ),
    batches: z.number(),
    errors: z.array(z.string()),
  })
  .openapi('Run');

/** A quarantined record or dead letter. */
export const EntrySchema = z
  .object({
    id: z.string(),
    syncId: z.string(),
    connectionId: z.string(),
    direction: z.enum(['in', 'out']),
    stream: z.string(),
    externalKey: z.string().nullable(),
    record: z.record(z.string(), z.unknown()),
    problems: z.array(z.object({ field: z.string(), reason: z.string() })),
    at: z.string(),
    replays: z.number(),
  })
  .openapi('QuarantineEntry');

/** Body of "replay a quarantined record": the fixed record, or nothing to replay it as it is. */
export const ReplaySchema = z
  .object({
    record: z.record(z.string(), z.unknown()).optional().describe('The corrected system record'),
  })
  .openapi('Replay');

/** Query of "backfill". */
export const BackfillQuery = z.object({
  forceResend: z.enum(['true', 'false']).optional().openapi({
    description:
      'true: send every record again, also what the destination already has (a delivered conversion included)',
  }),
});

/** Answer of "run now" and "backfill". */
export const QueuedSchema = z.object({ jobId: z.string() }).openapi('Queued');
