import { UNREADABLE, type SystemRecord } from '../../src/sdk/connector.ts';
import { MAX_RAW_CHARS } from './settings.ts';

/** Provenance keys every record carries; they map to nothing and help find a row in its file. */
export const FILE_KEY = '_file';
/** Data row number in the file (1 = the first row after the header). */
export const ROW_KEY = '_row';
/** Why the row could not be read; only rows the parser refused carry it (the engine quarantines them with it). */
export const ERROR_KEY = UNREADABLE;
/** The row's text as in the file (cut to `MAX_RAW_CHARS`); only on refused rows. */
export const RAW_KEY = '_raw';

/** Header names: trimmed; an empty name becomes `column_<n>`, a repeated one `<name>_<n>`. */
export function headerOf(cells: string[]): string[] {
  const seen = new Set<string>();
  return cells.map((c, i) => {
    let name = c.trim() || `column_${i + 1}`;
    if (seen.has(name)) name = `${name}_${i + 1}`;
    seen.add(name);
    return name;
  });
}

/**
 * The row's text for a person reading the quarantine: the lines before it that the parser skips
 * (empty, or only delimiters) and the line breaks at its ends removed; cut at `MAX_RAW_CHARS`.
 */
export function rawText(raw: string, delimiter = ','): string {
  const d = delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const skipped = new RegExp(`^(?:[ \\t]*(?:${d}[ \\t]*)*(?:\\r\\n|\\n|\\r))+`);
  const t = raw.replace(skipped, '').replace(/[\r\n]+$/, '');
  return t.length > MAX_RAW_CHARS ? `${t.slice(0, MAX_RAW_CHARS)}…` : t;
}

/**
 * A row the parser could not read, with its text (see {@link rawText}). It carries no field of
 * the file, so the mapping's record key and `required` fields stop it and the engine quarantines
 * it with the row's text and reason.
 */
export function badRow(file: string, row: number, error: string, raw: string): SystemRecord {
  return { [ERROR_KEY]: error, [RAW_KEY]: raw, [FILE_KEY]: file, [ROW_KEY]: row };
}

/**
 * One parsed row as a record keyed by the header. Extra cells that are empty (a trailing
 * delimiter) are ignored; a row with missing or extra filled cells is refused: a truncated line
 * or an unquoted delimiter would put values under the wrong names. Empty cells are left out.
 * `raw` gives the row's text, asked for only when the row is refused.
 */
export function rowRecord(
  header: string[],
  cells: string[],
  file: string,
  row: number,
  raw: () => string,
): SystemRecord {
  const extra = cells.slice(header.length);
  if (cells.length < header.length || extra.some((c) => c.trim() !== ''))
    return badRow(
      file,
      row,
      `the row has ${cells.length} fields where the header has ${header.length}` +
        (cells.length < header.length ? ' (a truncated line?)' : ' (an unquoted delimiter?)'),
      raw(),
    );
  const rec: SystemRecord = {};
  for (let i = 0; i < header.length; i++) if (cells[i] !== '') rec[header[i]!] = cells[i];
  rec[FILE_KEY] = file;
  rec[ROW_KEY] = row;
  return rec;
}

/** True when the cells repeat the header (exports concatenated with their headers). */
export const isHeaderAgain = (header: string[], cells: string[]) =>
  cells.length === header.length && cells.every((c, i) => c.trim() === header[i]);
