import cliProgress from 'cli-progress';
import type { DestinationStream } from 'pino';

/** Where progress goes: stderr, or in tests a stream that says whether it is a terminal. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The display on screen now (one at a time), so log lines can pass above its bar. */
const shown: { display: ProgressDisplay | null } = { display: null };

/**
 * A progress display for a long CLI command (a sync run, backfill or DMS import, a recompute).
 * On a terminal: a cli-progress bar (with a percentage when the total is known), redrawn in
 * place, with log lines written above it whole. Elsewhere (a pipe, a file, CI): one plain line
 * per change of the text, no escape codes.
 */
export class ProgressDisplay {
  private multi: cliProgress.MultiBar | null = null;
  private bar: cliProgress.SingleBar | null = null;
  private last = '';

  constructor(
    private readonly label: string,
    private readonly stream: ProgressStream = process.stderr,
  ) {
    shown.display = this;
  }

  /** Shows `text`, and a bar at `value` of `total` when the total is known (> 0). */
  update(text: string, value = 0, total = 0): void {
    if (!this.stream.isTTY) {
      if (text !== this.last) this.stream.write(`${text}\n`);
      this.last = text;
      return;
    }
    if (!this.multi) this.open(total);
    if (total > 0) this.bar!.setTotal(total);
    this.bar!.update(value, { text });
  }

  /** Whether this display draws a bar in place (its stream is a terminal). */
  onTerminal(): boolean {
    return this.stream.isTTY === true;
  }

  /** A whole line above the bar (a log line): never cut into by a redraw. */
  log(line: string): void {
    const whole = line.endsWith('\n') ? line : `${line}\n`;
    if (this.multi) this.multi.log(whole);
    else this.stream.write(whole);
  }

  /** Draws the final state and gives the terminal back (cursor shown, a newline after it). */
  stop(): void {
    if (shown.display === this) shown.display = null;
    if (!this.multi) return;
    this.multi.update(); // flushes log lines still waiting for a redraw
    this.multi.stop();
    this.multi = null;
  }

  private open(total: number): void {
    const counted = total > 0;
    this.multi = new cliProgress.MultiBar(
      {
        stream: this.stream as NodeJS.WritableStream,
        format: counted
          ? `${this.label} [{bar}] {percentage}% · {text}`
          : `${this.label} · {duration_formatted} · {text}`,
        hideCursor: true,
        clearOnComplete: false,
        gracefulExit: true,
        linewrap: false,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar = this.multi.create(counted ? total : 1, 0, { text: '' });
  }
}

/**
 * The CLI's log destination: log lines go to `out` (stderr, so a command's stdout holds only its
 * output and `--json` stays parseable), except while a progress display is
 * on a terminal, when they are written above its bar so a line is never split by a redraw.
 */
export function cliLogDestination(out: ProgressStream = process.stderr): DestinationStream {
  return {
    write(line: string) {
      const d = shown.display;
      if (d?.onTerminal()) d.log(line);
      else out.write(line);
    },
  };
}
