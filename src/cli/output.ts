import Table from 'cli-table3';

/** Writes a result: JSON for scripts with `--json`, otherwise the human rendering. */
export function emit(json: boolean, data: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : human() + '\n');
}

/** Renders rows as an aligned text table. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) =>
    columns.map((c) => (r[c] === null || r[c] === undefined ? '-' : String(r[c]))),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

/** Prints an error for people and sets a failing exit code. */
export function fail(message: string): void {
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = 1;
}

/** Rows as CSV (RFC 4180 quoting), a header line first; null and undefined are empty cells. */
export function toCsv(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [head, ...rows].map((r) => r.map(esc).join(',')).join('\n');
}

/**
 * A cli-table3 table for people. Its default style colours the header and borders with ANSI codes;
 * those stay for a terminal and are left out when stdout is a pipe or a file, so `> report.txt`
 * and scripts that read the table get plain text.
 */
export function peopleTable(opts: Table.TableConstructorOptions): Table.Table {
  return new Table(process.stdout.isTTY ? opts : { ...opts, style: { head: [], border: [] } });
}
