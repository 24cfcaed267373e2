import type { z } from 'zod';

import { pagedReader, type Pagination } from '../../src/sdk/paging.ts';
import { edgePage } from './schemas.ts';

/**
 * How Graph pages an edge (docs/vendors.md (Meta)): `paging.next` is there while there is more
 * (Graph omits it on the last page even when `cursors.after` is present), and its `after`
 * parameter is sent with our own request. The `next` URL itself carries the access token, so it
 * is never followed nor stored in a cursor.
 */
export const GRAPH_PAGING: Pagination = {
  kind: 'link',
  next: { body: 'paging.next' },
  send: { query: 'after' },
};

/** The reader of one page of an edge of `row`s (`{ data: [...], paging }`). */
export const edgeReader = <T extends z.ZodType>(row: T) =>
  pagedReader({ paging: GRAPH_PAGING, records: 'data', schema: edgePage(row) });
