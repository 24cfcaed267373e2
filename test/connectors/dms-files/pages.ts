import { expect } from 'vitest';

import { compileGlob } from '../../../connectors/dms-files/glob.ts';
import { readPage, type PagePlan } from '../../../connectors/dms-files/read-page.ts';
import type { FileSource } from '../../../connectors/dms-files/sources/source.ts';
import type { SystemRecord } from '../../../src/sdk/connector.ts';

/** A page plan over `glob`, with a day-long late-file window and no file too young. */
export const pagePlan = (pageSize: number, extra: Partial<PagePlan> & { glob?: string } = {}) => {
  const { glob = '**/*.csv', ...rest } = extra;
  return {
    accept: compileGlob(glob),
    pageSize,
    windowMs: 24 * 3600_000,
    notAfter: Number.MAX_SAFE_INTEGER,
    format: { delimiter: ',', encoding: 'utf8' },
    ...rest,
  } satisfies PagePlan;
};

/**
 * Reads every page as the engine does, passing the cursor on as the text it saves; checks each
 * page's size. Returns the pages, the last cursor and all records.
 */
export async function readAll(source: FileSource, plan: PagePlan, cursor: string | null = null) {
  const signal = new AbortController().signal;
  const pages: SystemRecord[][] = [];
  for (let i = 0; i < 1000; i++) {
    const page = await readPage(source, plan, cursor, signal);
    expect(page.records.length).toBeLessThanOrEqual(plan.pageSize);
    pages.push(page.records);
    cursor = page.nextCursor;
    if (!page.hasMore) return { pages, cursor, records: pages.flat() };
  }
  throw new Error('no last page after 1000 pages');
}
