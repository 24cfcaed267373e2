import type { Pagination } from '../../src/sdk/paging.ts';
import { MAX_PAGE_SIZE } from './limits.ts';

/**
 * How Mailchimp pages a collection: `count` (up to 1,000) and `offset` query parameters, the
 * collection's size in `total_items` (docs/vendors.md (Mailchimp)). A short page ends a read too,
 * as it always has here: the reader stops rather than ask for what is not there.
 */
export const MAILCHIMP_PAGING = {
  kind: 'offset',
  offset: 'offset',
  limit: 'count',
  pageSize: MAX_PAGE_SIZE,
  total: 'total_items',
  shortPageEnds: true,
} as const satisfies Pagination;

/** Mailchimp's ISO form of a time (`2021-03-02T19:04:19+00:00`). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}
