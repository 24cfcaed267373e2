import type { MiddlewareHandler } from 'hono';

import { AppError } from '../../errors/app-error.ts';
import { ID_PATTERN } from '../../store/keys.ts';

/** Longest path the guard decodes; longer paths are refused before any segment is looked at. */
export const MAX_PATH_CHARS = 2_048;

/**
 * Checks every segment of a `/v1/tenants/...`, `/v1/groups/...` or `/hooks/...` path against the one id pattern
 * (`ID_PATTERN`), at the edge, before any route or store sees it: an id with `:` (which would
 * reach another key type), a brace, a slash in disguise or a bad escape answers 400 `invalid_id`.
 * Literal segments (`syncs`, `api-keys`) match the pattern too, so no route list is needed.
 */
export function idGuard(firstField = 'tenantId'): MiddlewareHandler {
  return async function guardIds(c, next) {
    const path = c.req.path;
    if (path.length > MAX_PATH_CHARS)
      throw new AppError(400, 'invalid_id', `Paths are limited to ${MAX_PATH_CHARS} characters`);
    const segments = path.split('/').slice(path.startsWith('/v1/') ? 3 : 2);
    segments.forEach((raw, i) => {
      if (raw === '' && i === segments.length - 1) return;
      let seg: string;
      try {
        seg = decodeURIComponent(raw);
      } catch {
        seg = raw;
      }
      if (ID_PATTERN.test(seg)) return;
      const field = i === 0 ? firstField : 'id';
      throw new AppError(400, 'invalid_id', 'The path holds an invalid id', [
        {
          path: field,
          message: `"${seg.slice(0, 80)}" is not an id: lower-case letters, digits, _ and -, 1 to 63 characters`,
        },
      ]);
    });
    await next();
  };
}
