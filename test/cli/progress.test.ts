import { describe, expect, it } from 'vitest';

import { cliLogDestination, ProgressDisplay } from '../../src/cli/progress-display.ts';
import { FakeTerminal, PlainStream } from '../support/screen.ts';

const LOG = '{"level":30,"msg":"page read"}';
/** Lets cli-progress redraw (it draws on a timer, not on every update). */
const redraw = () => new Promise((r) => setTimeout(r, 250));

describe('progress on a terminal', () => {
  it('draws a bar in place, and a log line written meanwhile lands whole above it', async () => {
    const term = new FakeTerminal();
    const stdout = new PlainStream();
    const log = cliLogDestination(stdout);
    const display = new ProgressDisplay('recompute acme', term);
    display.update('reading · 10 of 200 records', 10, 200);
    await redraw();
    expect(term.lines()).toEqual([expect.stringMatching(/^recompute acme \[.+\] 5% · reading/)]);
    log.write(`${LOG}\n`);
    display.update('reading · 150 of 200 records', 150, 200);
    await redraw();
    display.update('done · 200 of 200 records', 200, 200);
    display.stop();
    expect(term.raw).toContain('\x1b[?25l'); // cursor hidden while drawing...
    expect(term.raw).toContain('\x1b[?25h'); // ...and shown again
    const screen = term.lines();
    expect(screen).toHaveLength(2);
    expect(screen[0]).toBe(LOG);
    expect(screen[1]).toMatch(/^recompute acme \[█+\] 100% · done · 200 of 200 records$/);
    // The log line went above the bar, not to stdout where it would have cut into it.
    expect(stdout.text).toBe('');
    // With no bar on screen, log lines go to stdout again.
    log.write(`${LOG}\n`);
    expect(stdout.text).toBe(`${LOG}\n`);
  });

  it('shows a run without a known total as its counts and elapsed time', async () => {
    const term = new FakeTerminal();
    const display = new ProgressDisplay('sync s_1', term);
    display.update('running · read 1,000 · created 990', 1);
    await redraw();
    display.update('succeeded · read 2,000 · created 1,980', 2);
    display.stop();
    expect(term.lines()).toEqual([
      expect.stringMatching(/^sync s_1 · \d+s · succeeded · read 2,000 · created 1,980$/),
    ]);
  });
});

describe('progress elsewhere (a pipe, a file, CI)', () => {
  it('writes one plain line per change, no escape codes; log lines stay whole on stdout', () => {
    const err = new PlainStream();
    const stdout = new PlainStream();
    const log = cliLogDestination(stdout);
    const display = new ProgressDisplay('recompute acme', err);
    display.update('reading · 10 of 200 records', 10, 200);
    display.update('reading · 10 of 200 records', 10, 200);
    log.write(`${LOG}\n`);
    display.update('done · 200 of 200 records', 200, 200);
    display.stop();
    expect(err.text).toBe('reading · 10 of 200 records\ndone · 200 of 200 records\n');
    expect(err.text).not.toContain('\x1b');
    expect(stdout.text).toBe(`${LOG}\n`);
  });
});
