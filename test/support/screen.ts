import { Writable } from 'node:stream';

/**
 * A pseudo-terminal for tests: a writable stream with `isTTY` that keeps the screen the bytes
 * written to it would leave (text, `\r`, `\n`, and the CSI cursor moves and erases that readline
 * and cli-progress send), so a test can read what a person would see line by line.
 */
export class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = 160;
  raw = '';
  private screen: string[] = [''];
  private row = 0;
  private col = 0;

  override _write(chunk: Buffer | string, _enc: string, done: () => void): void {
    const s = chunk.toString();
    this.raw += s;
    this.apply(s);
    done();
  }

  /** The screen's lines, trailing spaces and the empty last line dropped. */
  lines(): string[] {
    const out = this.screen.map((l) => l.trimEnd());
    while (out.length && out.at(-1) === '') out.pop();
    return out;
  }

  private apply(s: string): void {
    const ESC = String.fromCharCode(27);
    const re = new RegExp(`${ESC}\\[([?\\d;]*)([A-Za-z])|${ESC}[78]|\r|\n|[^${ESC}\r\n]+`, 'g');
    for (const m of s.matchAll(re)) {
      const t = m[0];
      if (t === '\n') this.moveTo(this.row + 1, 0);
      else if (t === '\r') this.col = 0;
      else if (m[2]) this.csi(m[1] ?? '', m[2]);
      else if (!t.startsWith('\x1b')) this.put(t);
    }
  }

  private csi(arg: string, op: string): void {
    const n = arg.startsWith('?') ? 0 : Number(arg.split(';')[0] || (op === 'K' ? 0 : 1));
    const line = this.screen[this.row]!;
    if (op === 'A') this.moveTo(Math.max(0, this.row - n), this.col);
    else if (op === 'B') this.moveTo(this.row + n, this.col);
    else if (op === 'C') this.col += n;
    else if (op === 'D') this.col = Math.max(0, this.col - n);
    else if (op === 'G') this.col = n - 1;
    else if (op === 'K')
      this.screen[this.row] =
        n === 2
          ? ''
          : n === 1
            ? ' '.repeat(this.col) + line.slice(this.col)
            : line.slice(0, this.col);
    else if (op === 'J') {
      this.screen.splice(this.row + 1);
      this.screen[this.row] = line.slice(0, this.col);
    }
  }

  private moveTo(row: number, col: number): void {
    while (this.screen.length <= row) this.screen.push('');
    this.row = row;
    this.col = col;
  }

  private put(text: string): void {
    const line = this.screen[this.row]!.padEnd(this.col);
    this.screen[this.row] = line.slice(0, this.col) + text + line.slice(this.col + text.length);
    this.col += text.length;
  }
}

/** A plain (not a terminal) stream that keeps what was written. */
export class PlainStream extends Writable {
  readonly isTTY = false;
  text = '';
  override _write(chunk: Buffer | string, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
