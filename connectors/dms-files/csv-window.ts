import type { Readable } from 'node:stream';

import { parse, type Options } from 'csv-parse';

import type { SystemRecord } from '../../src/sdk/connector.ts';
import { badRow, headerOf, isHeaderAgain, rowRecord } from './rows.ts';
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
}

/** How the files of a connection are written. */
export interface CsvFormat {
  delimiter: string;
  encoding: 'utf8' | 'latin1';
}

/** Reasons for the parser's own codes, worded for the person reading the quarantine. */
const REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'the file ends inside a quoted field (a truncated last line?)',
};

type Parsed = { cells: string[]; raw: string; end: number } | { error: string; raw: string };

/**
 * Reads up to `limit` rows of a CSV stream without holding more than a chunk of it. Parsing is
 * forgiving (BOM, CRLF/LF/CR, quoted delimiters and line breaks, stray quotes), and a row that
 * still cannot be read (wrong field count, unclosed quote at the end, a runaway row) becomes a
 * record flagged with the problem instead of failing the file. Byte offsets are exact, so the
 * next page resumes at `end` with nothing lost or read twice.
 */
export async function readWindow(body: Readable, w: Window, fmt: CsvFormat): Promise<WindowRead> {
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
    raw: true,
    info: true,
    // Rows are taken here, in file order, and never queued on the readable side.
    on_record: (r: { record: string[]; raw: string; info: { bytes: number } }) => {
      parsed.push({ cells: r.record, raw: r.raw, end: w.start + r.info.bytes });
      return null;
    },
  };
  const parser = parse(options);
  parser.on('skip', (err: Error & { code?: string }, raw: string | undefined) =>
    parsed.push({ error: REASONS[err.code ?? ''] ?? err.message, raw: raw ?? '' }),
  );

  let header = w.header;
  const records: SystemRecord[] = [];
  let end = w.start;
  let row = w.row;
  let eof = false;
  const full = () => header !== null && records.length >= w.limit;
  const take = () => {
    while (parsed.length && !full()) {
      const p = parsed.shift()!;
      if ('error' in p) {
        // Only an unclosed quote at the end of the file comes here with the relaxed options.
        records.push(badRow(w.file, ++row, p.error, p.raw));
        end = w.size;
        continue;
      }
      end = p.end;
      if (header === null) header = headerOf(p.cells);
      else if (!isHeaderAgain(header, p.cells))
        records.push(rowRecord(header, p.cells, w.file, ++row, p.raw));
    }
  };

  // Bytes since the last row end, kept for the text of a runaway row (bounded by MAX_ROW_BYTES).
  let tail: Buffer[] = [];
  let tailStart = w.start;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      parser.write(chunk);
      take();
      if (full()) break;
      tail.push(chunk);
      const read = tailStart + tail.reduce((n, b) => n + b.length, 0);
      if (end > tailStart)
        [tail, tailStart] = [[Buffer.concat(tail).subarray(end - tailStart)], end];
      if (read - end > MAX_ROW_BYTES) {
        const text = Buffer.concat(tail)
          .subarray(0, MAX_RAW_CHARS * 4)
          .toString(fmt.encoding);
        const why = `no row end within ${MAX_ROW_BYTES} bytes (an unclosed quote?); the rest of the file is not read`;
        records.push(badRow(w.file, ++row, why, text));
        return { header: header ?? [], records, end: w.size, row, eof: true };
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
  return { header: header ?? [], records, end, row, eof: eof || end >= w.size };
}
