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
  const reader = new WindowReader(w, format);
  try {
    let first = true;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (first && w.start === 0) reader.detectEncoding(chunk);
      first = false;
      if (!reader.feed(chunk)) break;
      // A runaway row ends the read: the rest of the file is not read.
      if (reader.runaway()) return reader.result(true, w.size);
    }
    if (!reader.full()) await reader.finish();
  } finally {
    body.destroy();
    reader.destroy();
  }
  return reader.result();
}

/** The state of one window's read: the parser, the rows it gave, and the bytes not yet taken. */
class WindowReader {
  private fmt: CsvFormat;
  private readonly parser: ReturnType<typeof parse>;
  private readonly parsed: Parsed[] = [];
  /** The bytes from the last row end on, for the text of a refused row (bounded by MAX_ROW_BYTES). */
  private tail: Buffer = Buffer.alloc(0);
  private tailStart: number;
  private header: string[] | null;
  private readonly records: SystemRecord[] = [];
  private end: number;
  private row: number;
  private eof = false;

  constructor(
    private readonly w: Window,
    format: CsvFormat,
  ) {
    this.fmt = format;
    this.tailStart = this.end = w.start;
    this.header = w.header;
    this.row = w.row;
    this.parser = parse(this.options());
    this.parser.on('skip', (err: Error & { code?: string }) =>
      this.parsed.push({ error: REASONS[err.code ?? ''] ?? err.message }),
    );
  }

  private options(): Options {
    const { w, fmt } = this;
    return {
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
        this.parsed.push({ cells, end: w.start + (ctx as unknown as Info).bytes });
        return null;
      },
    };
  }

  /** A byte order mark at byte 0 wins over the encoding setting. */
  detectEncoding(head: Buffer): void {
    this.fmt = { ...this.fmt, encoding: bomEncoding(head) ?? this.fmt.encoding };
  }

  full(): boolean {
    return this.header !== null && this.records.length >= this.w.limit;
  }

  /** Parses a chunk in slices, taking rows as they come; false once the window is full. */
  feed(chunk: Buffer): boolean {
    this.tail = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    for (let i = 0; i < chunk.length && !this.full(); i += SLICE) {
      this.parser.write(chunk.subarray(i, i + SLICE));
      this.take();
    }
    if (this.full()) return false;
    this.tail = this.tail.subarray(this.end - this.tailStart);
    this.tailStart = this.end;
    return true;
  }

  /** Whether the bytes after the last row end exceed a row's limit; records the bad row if so. */
  runaway(): boolean {
    if (this.tail.length <= MAX_ROW_BYTES) return false;
    const why = `no row end within ${MAX_ROW_BYTES} bytes (an unclosed quote?); the rest of the file is not read`;
    this.records.push(badRow(this.w.file, ++this.row, why, this.textOf(this.end, this.w.size)));
    return true;
  }

  /** Ends the parse at the end of the stream and takes its last rows. */
  async finish(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.parser.once('error', reject);
      this.parser.end(resolve);
    });
    this.take();
    this.eof = this.parsed.length === 0;
  }

  destroy(): void {
    this.parser.destroy();
  }

  result(eof = false, end = this.end): WindowRead {
    return {
      header: this.header ?? [],
      records: this.records,
      end,
      row: this.row,
      eof: eof || this.eof || end >= this.w.size,
      encoding: this.fmt.encoding,
    };
  }

  private textOf(from: number, to: number): string {
    const { tail, tailStart } = this;
    const slice = tail.subarray(
      from - tailStart,
      Math.min(to - tailStart, from - tailStart + MAX_RAW_CHARS * 4),
    );
    return rawText(slice.toString(this.fmt.encoding), this.fmt.delimiter);
  }

  private take(): void {
    const { parsed, w } = this;
    while (parsed.length && !this.full()) {
      const p = parsed.shift()!;
      // Only an unclosed quote at the end of the file is refused with the relaxed options.
      const to = 'error' in p ? w.size : p.end;
      const from = this.end;
      const text = () => this.textOf(from, to);
      if ('error' in p) this.records.push(badRow(w.file, ++this.row, p.error, text()));
      else if (this.header === null) this.header = headerOf(p.cells);
      else if (!isHeaderAgain(this.header, p.cells))
        this.records.push(rowRecord(this.header, p.cells, w.file, ++this.row, text));
      this.end = to;
    }
  }
}
