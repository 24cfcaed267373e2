import { z } from 'zod';

import { PermanentError } from '../../src/sdk/errors.ts';
import type { FileInfo } from './sources/source.ts';

/** Where reading stopped inside one file. */
const Position = z.object({
  key: z.string().min(1),
  version: z.string(),
  mtime: z.number(),
  /** Byte offset of the next row: just after the row delimiter of the last row returned. */
  offset: z.number().int().min(0),
  /** Data rows of this file returned so far (the header not counted). */
  row: z.number().int().min(0),
});
/** Where reading stopped inside one file (file, version, byte offset, rows). */
export type Position = z.output<typeof Position>;

/**
 * The cursor of a stream, saved by the engine after every page (as JSON text):
 * - `since`: files last modified before this (ms) count as read;
 * - `done`: files modified since then that were read, key → [mtime, version], so a new or
 *   modified file is read and an unchanged one is not;
 * - `file`: the file being read and where, so a crashed run resumes mid-file.
 * @example {"v":1,"since":1763500000000,"done":{"sales/2026-11-20.csv":[1763590000000,"9b2c…"]},
 *   "file":{"key":"sales/2026-11-21.csv","version":"77aa…","mtime":1763680000000,"offset":81234,"row":1000}}
 */
const Cursor = z.object({
  v: z.literal(1),
  since: z.number(),
  done: z.record(z.string(), z.tuple([z.number(), z.string()])),
  file: Position.optional(),
});
/** A decoded stream cursor. */
export type Cursor = z.output<typeof Cursor>;

/** Reads a saved cursor; `null` (never run, or a backfill) starts from every file. */
export function decodeCursor(text: string | null): Cursor {
  if (!text) return { v: 1, since: 0, done: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const r = Cursor.safeParse(json);
  if (!r.success)
    throw new PermanentError('the saved cursor is not a dms-files cursor; run a backfill to reset');
  return r.data;
}

/** The cursor as the text the engine saves. */
export const encodeCursor = (c: Cursor): string => JSON.stringify(c);

/**
 * Files still to read, oldest first (by modified time, then key): not stamped before `since`,
 * not changed after `notAfter` (ms), and not already read in this version.
 */
export function pendingFiles(c: Cursor, files: FileInfo[], notAfter: number): FileInfo[] {
  return files
    .filter((f) => f.mtime >= c.since && f.mtime <= notAfter && c.done[f.key]?.[1] !== f.version)
    .sort((a, b) => a.mtime - b.mtime || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Records a file as read. `since` follows the newest file read minus `windowMs`, and entries
 * older than `since` are dropped, so the cursor stays small however many files pass.
 */
export function markDone(
  c: Cursor,
  f: Pick<FileInfo, 'key' | 'mtime' | 'version'>,
  windowMs: number,
) {
  c.done[f.key] = [f.mtime, f.version];
  let newest = 0;
  for (const [mtime] of Object.values(c.done)) newest = Math.max(newest, mtime);
  c.since = Math.max(c.since, newest - windowMs);
  for (const [key, [mtime]] of Object.entries(c.done)) if (mtime < c.since) delete c.done[key];
}
