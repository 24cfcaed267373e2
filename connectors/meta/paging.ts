import type { z } from 'zod';

import type { Paging } from './schemas.ts';

/**
 * The `after` cursor of the next page, or null on the last page. Graph omits `paging.next` on the
 * last page even when `cursors.after` is present (apis.md §2.5, M15), so `next` decides whether
 * there is more; the cursor comes from `cursors.after`, or from the `after` query parameter of
 * `next` when a page carries only the URL.
 */
export function nextAfter(paging: z.output<typeof Paging>): string | null {
  if (!paging?.next) return null;
  if (paging.cursors?.after) return paging.cursors.after;
  try {
    return new URL(paging.next).searchParams.get('after');
  } catch {
    return null;
  }
}
