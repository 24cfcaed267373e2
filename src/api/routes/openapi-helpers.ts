import type { z } from '@hono/zod-openapi';

import { pageSchema } from '../../ops/pagination.ts';

/** A JSON request body or response entry for `createRoute`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The security requirement every /v1 route declares. */
export const bearer = [{ Bearer: [] }];

/** Request body entry for `createRoute`. */
export const body = <T extends z.ZodType>(schema: T, description: string) => ({
  ...json(schema, description),
  required: true,
});

/**
 * `{ items: [...], next }`, the shape of every list answer: one page, and the cursor of the next
 * (null on the last; see `src/ops/pagination.ts`).
 */
export const listOf = <T extends z.ZodType>(schema: T, description: string) =>
  json(pageSchema(schema), description);
