import type { StreamPage, SystemRecord } from '../../src/sdk/connector.ts';
import { RetryableError } from '../../src/sdk/errors.ts';
import { decodeCursor, encodeCursor, markDone, pendingFiles } from './cursor.ts';
import type { CsvFormat } from './csv-window.ts';
import { readFile } from './read-file.ts';
import type { FileInfo, FileSource } from './sources/source.ts';

/** How a stream picks and reads its files. */
export interface PagePlan {
  /** Which keys belong to the stream. */
  accept: (key: string) => boolean;
  pageSize: number;
  /** See the `lateFileWindowMinutes` setting. */
  windowMs: number;
  /** Files changed after this (ms) wait for a later run. */
  notAfter: number;
  format: CsvFormat;
}

/** Re-starts of files that change while they are read, before the page gives up (retried). */
const MAX_RESTARTS = 3;

/**
 * Reads one page: up to `pageSize` rows, continuing the file the cursor is in, then the files
 * not read yet, oldest first. A page may span files; the cursor it returns says where the next
 * one starts (file, version, byte offset, row), so the engine can save it after every page.
 */
export async function readPage(
  source: FileSource,
  plan: PagePlan,
  cursorText: string | null,
  signal: AbortSignal,
): Promise<StreamPage> {
  const cursor = decodeCursor(cursorText);
  const records: SystemRecord[] = [];
  let pending: FileInfo[] | null = null;
  let restarts = 0;
  while (records.length < plan.pageSize) {
    signal.throwIfAborted();
    if (!cursor.file) {
      pending ??= pendingFiles(cursor, await source.list(plan.accept, signal), plan.notAfter);
      const next = pending.shift();
      if (!next) break;
      cursor.file = { key: next.key, version: next.version, mtime: next.mtime, offset: 0, row: 0 };
    }
    const got = await readFile(
      source,
      cursor.file,
      plan.pageSize - records.length,
      plan.format,
      signal,
    );
    if (got.kind === 'gone') cursor.file = undefined;
    else if (got.kind === 'changed') {
      if (++restarts > MAX_RESTARTS)
        throw new RetryableError(`${cursor.file.key} keeps changing while it is read`);
      cursor.file = got.at;
    } else {
      records.push(...got.records);
      cursor.file = got.at;
      if (got.eof) {
        markDone(cursor, got.at, plan.windowMs);
        cursor.file = undefined;
      }
    }
  }
  // Without a listing in this page, more files may be waiting: the next page looks.
  const hasMore = cursor.file !== undefined || pending === null || pending.length > 0;
  return { records, nextCursor: encodeCursor(cursor), hasMore };
}
