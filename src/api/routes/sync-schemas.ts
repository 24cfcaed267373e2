import { z } from '@hono/zod-openapi';

import { SyncInputSchema } from '../../sync/types.ts';
import { TenantParam } from './schemas.ts';

/** The entities' schemas, shared with their stores (src/entities/sync.ts). */
export {
  DeadLetterSchema,
  QuarantineEntrySchema,
  RunSchema,
  SyncSchema,
} from '../../entities/sync.ts';

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
