import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

import { AppError, type FieldIssue } from '../errors/app-error.ts';

/** The one error body of the API. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string().openapi({ example: 'The request body is invalid' }),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .openapi({ example: [{ path: 'name', message: 'Required' }] }),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error');

/** Turns zod issues into field-level details (`settings.host: Invalid URL`). */
export function zodDetails(error: ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
}

/** Renders any thrown value as the error body. Unknown errors become a 500 with no internals. */
export function errorResponse(err: unknown, c: Context): Response {
  const requestId = c.get('requestId');
  let status: ContentfulStatusCode = 500;
  let code = 'internal_error';
  let message = 'Something went wrong; the request id identifies it in the logs';
  let details: FieldIssue[] = [];
  if (err instanceof AppError) {
    ({ status, code, message, details } = err);
    // Operators need these (a stored value that fails its schema): key and field names, no values.
    if (status >= 500) c.get('hub')?.log.error({ code, message, details, requestId }, code);
  } else if (err instanceof HTTPException) {
    status = err.status as ContentfulStatusCode;
    code =
      err.status === 413 ? 'payload_too_large' : err.status === 401 ? 'unauthorized' : 'http_error';
    message = err.message || 'Request failed';
  } else {
    c.get('hub')?.log.error({ err, requestId }, 'unhandled error');
  }
  return c.json({ error: { code, message, details, requestId } }, status);
}

/** Hook for @hono/zod-openapi: a failed validation becomes a 422 with every field named. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  return errorResponse(
    new AppError(422, 'validation_failed', 'The request is invalid', zodDetails(result.error)),
    c,
  );
}

/** Standard error responses for route definitions. */
export const errorResponses = (...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 422)[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: ERROR_TEXT[s], content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  );

const ERROR_TEXT = {
  400: 'Bad request',
  401: 'Missing or invalid API key',
  403: 'The API key role does not allow this',
  404: 'Not found (or belongs to another tenant)',
  409: 'Conflict with existing state',
  413: 'Body too large',
  422: 'Validation failed; details name each field',
} as const;
