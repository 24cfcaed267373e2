import { z as zod, type z } from '@hono/zod-openapi';

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

/** `{ items: [...] }`, the shape of every list answer. */
export const listOf = <T extends z.ZodType>(schema: T, description: string) =>
  json(zod.object({ items: zod.array(schema) }), description);
