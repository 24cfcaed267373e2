import { z } from 'zod';

/**
 * The `requestsPerSecond` setting every HTTP connector has: the connection's shared request
 * budget, at most `max` (the vendor's limit), `byDefault` when the user sets none.
 * @example requestsPerSecond: requestsPerSecond(100, 5)
 */
export function requestsPerSecond(
  max: number,
  byDefault: number,
  description = 'Shared request budget of the connection',
) {
  return z.number().positive().max(max).default(byDefault).describe(description);
}
