import type { SystemRecord } from '../../src/sdk/connector.ts';
import type { Position } from './cursor.ts';
import { readWindow, type CsvFormat } from './csv-window.ts';
import type { FileSource } from './sources/source.ts';

/** What one read of a file gave. */
export type FileStep =
  /** Rows read; `at` is where to go on (and the version read); `eof` when nothing is left. */
  | { kind: 'rows'; records: SystemRecord[]; at: Position; eof: boolean }
  /** The file changed since `at` was saved: read it again from the start (`at` is its start). */
  | { kind: 'changed'; at: Position }
  /** The file is gone. */
  | { kind: 'gone' };

/**
 * Reads up to `limit` rows of a file from a saved position. At byte 0 one stream gives the
 * header and the rows. Further in, the header is read from the start of the file (which also
 * tells the version and size), then the rows from the saved byte offset, only if the file is
 * still the version the offset belongs to.
 */
export async function readFile(
  source: FileSource,
  at: Position,
  limit: number,
  fmt: CsvFormat,
  signal: AbortSignal,
): Promise<FileStep> {
  const head = await source.open(at.key, 0, null, signal);
  if (!head) return { kind: 'gone' };
  const fromStart = at.offset === 0;
  const first = await readWindow(
    head.body,
    { file: at.key, header: null, start: 0, row: 0, limit: fromStart ? limit : 0, size: head.size },
    fmt,
  );
  const same = { key: at.key, version: head.version, mtime: head.mtime };
  if (fromStart) return step(first, { ...same, offset: first.end, row: first.row });
  if (head.version !== at.version) return { kind: 'changed', at: { ...same, offset: 0, row: 0 } };
  if (at.offset >= head.size) return { kind: 'rows', records: [], at, eof: true };
  const rest = await source.open(at.key, at.offset, at.version, signal);
  if (!rest) return { kind: 'changed', at: { ...same, offset: 0, row: 0 } };
  const read = await readWindow(
    rest.body,
    { file: at.key, header: first.header, start: at.offset, row: at.row, limit, size: rest.size },
    { ...fmt, encoding: first.encoding },
  );
  return step(read, { ...same, offset: read.end, row: read.row });
}

const step = (r: { records: SystemRecord[]; eof: boolean }, at: Position): FileStep => ({
  kind: 'rows',
  records: r.records,
  at,
  eof: r.eof,
});
