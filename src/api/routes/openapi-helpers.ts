import type { z } from '@hono/zod-openapi';

/** A JSON request body or response entry for `createRoute`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The security requirement every /v1 route declares. */
export const bearer = [{ Bearer: [] }];
