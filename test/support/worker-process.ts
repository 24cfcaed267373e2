import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import type { TestHub } from './hub.ts';

const BIN = join(import.meta.dirname, '../../bin/dealerloop.js');

/** A `dealerloop worker` child process and the promise of its exit code (null: killed). */
export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Starts a `dealerloop worker` process on the test hub's Redis prefix, archive and data folder,
 * with the given master key and mappings folder (for SIGKILL tests: a real process to kill).
 */
export function spawnWorker(h: TestHub, masterKey: string, mappingsDir: string): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      ...process.env,
      REDIS_PREFIX: h.config.REDIS_PREFIX,
      HUB_MASTER_KEY: masterKey,
      MAPPINGS_DIR: mappingsDir,
      ARCHIVE_URL: h.config.ARCHIVE_URL,
      DATA_DIR: h.config.DATA_DIR,
      JOB_LOCK_MS: '2000',
      // Stopping a worker at the end of a failed test must not leave a run writing after cleanup.
      SHUTDOWN_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  return { child, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

/** Polls `check` every 100 ms until it holds; throws naming `what` after `ms`. */
export async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  ms = 60_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
