import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';

const BIN = join(import.meta.dirname, '../../bin/dealerloop.js');

/** What a `dealerloop` child process did: its exit code and output. */
export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/**
 * A place for CLI child processes: a Redis prefix and a data folder of their own, the environment
 * that points the CLI at them, and a cleanup that deletes both.
 */
export function cliHome(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `dl-${name}-`));
  const prefix = `t${randomUUID().slice(0, 8)}`;
  return {
    dir,
    env: { REDIS_PREFIX: prefix, DATA_DIR: dir, ARCHIVE_URL: join(dir, 'archive') },
    async cleanup() {
      const redis = new Redis('redis://127.0.0.1:6379');
      const found = await redis.keys(`${prefix}:*`);
      if (found.length) await redis.del(...found);
      await redis.quit();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `dealerloop <args>` as a child process to its end, with `env` over the test's own. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}
