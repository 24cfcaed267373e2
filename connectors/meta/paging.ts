import type { z } from 'zod';

import type { Paging } from './schemas.ts';

/**
 * The `after` cursor of the next page, or null on the last page. Graph omits `paging.next` on the
 * last page even when `cursors.after` is present (docs/vendors.md (Meta), public code fixtures of `/{form_id}/leads` and lead reads), so `next` decides whether
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
