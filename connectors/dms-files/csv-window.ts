import type { Readable } from 'node:stream';

import { parse, type CastingContext, type Info, type Options } from 'csv-parse';

import type { SystemRecord } from '../../src/sdk/connector.ts';
import { badRow, headerOf, isHeaderAgain, rawText, rowRecord } from './rows.ts';
import { MAX_RAW_CHARS, MAX_ROW_BYTES } from './settings.ts';

/** What to read from a stream of one file. */
export interface Window {
  /** File key, carried by each record. */
  file: string;
  /** The header; `null` when the stream starts at byte 0 and the first row is the header. */
  header: string[] | null;
  /** Byte offset in the file where the stream starts (a row start). */
  start: number;
  /** Data rows before `start`. */
  row: number;
  /** Most rows to return; 0 reads only the header. */
  limit: number;
  /** File size, to tell whether the last row returned ended the file. */
  size: number;
}

/** What was read. */
export interface WindowRead {
  header: string[];
  records: SystemRecord[];
  /** Byte offset after the last row returned (the next row starts here). */
  end: number;
  /** Data rows up to `end`. */
  row: number;
  /** Nothing is left to read in the file. */
  eof: boolean;
  /** The encoding read: a byte order mark at byte 0 wins over the setting. Resume with it. */
  encoding: CsvFormat['encoding'];
}

/** How the files of a connection are written. */
export interface CsvFormat {
  delimiter: string;
  encoding: 'utf8' | 'latin1' | 'utf16le';
}

/** The encoding a byte order mark says, as csv-parse detects it (its `boms` table). */
function bomEncoding(head: Buffer): CsvFormat['encoding'] | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  return null;
}

/** Reasons for the parser's own codes, worded for the person reading the quarantine. */
const REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'the file ends inside a quoted field (a truncated last line?)',
};

type Parsed = { cells: string[]; end: number } | { error: string };

/** Bytes handed to the parser at once: bounds what is parsed past a full page. */
const SLICE = 16 * 1024;

/**
 * Reads up to `limit` rows of a CSV stream without holding more than a chunk of it. Parsing is
 * forgiving (BOM, CRLF/LF/CR, quoted delimiters and line breaks, stray quotes), and a row that
 * still cannot be read (wrong field count, unclosed quote at the end, a runaway row) becomes a
 * record flagged with the problem and its text instead of failing the file. Byte offsets are
 * exact, so the next page resumes at `end` with nothing lost or read twice.
 */
export async function readWindow(
  body: Readable,
  w: Window,
  format: CsvFormat,
): Promise<WindowRead> {
  let fmt = format;
  const parsed: Parsed[] = [];
  const options: Options = {
    bom: w.start === 0,
    delimiter: fmt.delimiter,
    encoding: fmt.encoding,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    // With this, a row the parser refuses is reported through 'skip' and parsing goes on.
    skip_records_with_error: true,
    // Rows are taken here, in file order, and never queued on the readable side. The context is
    // the parser's record info, `bytes` (the offset after the row delimiter) included.
    on_record: (cells: string[], ctx: CastingContext) => {
      parsed.push({ cells, end: w.start + (ctx as unknown as Info).bytes });
      return null;
    },
  };
  const parser = parse(options);
  parser.on('skip', (err: Error & { code?: string }) =>
    parsed.push({ error: REASONS[err.code ?? ''] ?? err.message }),
  );

  // The bytes from the last row end on, for the text of a refused row (bounded by MAX_ROW_BYTES).
  let tail: Buffer = Buffer.alloc(0);
  let tailStart = w.start;
  const textOf = (from: number, to: number) =>
    rawText(
      tail
        .subarray(from - tailStart, Math.min(to - tailStart, from - tailStart + MAX_RAW_CHARS * 4))
        .toString(fmt.encoding),
      fmt.delimiter,
    );

  let header = w.header;
  const records: SystemRecord[] = [];
  let end = w.start;
  let row = w.row;
  const full = () => header !== null && records.length >= w.limit;
  const take = () => {
    while (parsed.length && !full()) {
      const p = parsed.shift()!;
      // Only an unclosed quote at the end of the file is refused with the relaxed options.
      const to = 'error' in p ? w.size : p.end;
      const text = () => textOf(end, to);
      if ('error' in p) records.push(badRow(w.file, ++row, p.error, text()));
      else if (header === null) header = headerOf(p.cells);
      else if (!isHeaderAgain(header, p.cells))
        records.push(rowRecord(header, p.cells, w.file, ++row, text));
      end = to;
    }
  };

  let eof = false;
  let first = true;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (first && w.start === 0) fmt = { ...fmt, encoding: bomEncoding(chunk) ?? fmt.encoding };
      first = false;
      tail = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      for (let i = 0; i < chunk.length && !full(); i += SLICE) {
        parser.write(chunk.subarray(i, i + SLICE));
        take();
      }
      if (full()) break;
      [tail, tailStart] = [tail.subarray(end - tailStart), end];
      if (tail.length > MAX_ROW_BYTES) {
        const why = `no row end within ${MAX_ROW_BYTES} bytes (an unclosed quote?); the rest of the file is not read`;
        records.push(badRow(w.file, ++row, why, textOf(end, w.size)));
        return {
          header: header ?? [],
          records,
          end: w.size,
          row,
          eof: true,
          encoding: fmt.encoding,
        };
      }
    }
    if (!full()) {
      await new Promise<void>((resolve, reject) => {
        parser.once('error', reject);
        parser.end(resolve);
      });
      take();
      eof = parsed.length === 0;
    }
  } finally {
    body.destroy();
    parser.destroy();
  }
  return {
    header: header ?? [],
    records,
    end,
    row,
    eof: eof || end >= w.size,
    encoding: fmt.encoding,
  };
}
