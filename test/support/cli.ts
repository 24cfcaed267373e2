import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { expect } from 'vitest';

import { buildProgram } from '../../src/cli/program.ts';
import { runDealerloop } from '../../src/cli/run.ts';
import { deleteMatching, testRedisUrl } from './hub.ts';

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
      const redis = new Redis(testRedisUrl());
      await deleteMatching(redis, `${prefix}:*`);
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

/** Every command of the tree calls back instead of `process.exit` (commander copies it only to commands made later). */
function exitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverride(sub);
}

/** A `write` of stdout or stderr that appends to `sink` instead. */
function capture(sink: (text: string) => void): typeof process.stdout.write {
  return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
}

/**
 * Runs `dealerloop <args>` in this process, as `runCli` would in a child: the same program and
 * error printing (src/cli/run.ts), `env` over the test's own, stdout, stderr and the exit code
 * captured, then all three given back. A child process costs seconds of module loading on a loaded
 * machine; each command family keeps one `runCli` test, so the real binary stays covered.
 * For one-shot commands only (not `start` or `worker`, which wait for signals).
 */
export async function runCliInProcess(
  args: string[],
  env: Record<string, string>,
): Promise<CliResult> {
  const program = buildProgram();
  exitOverride(program);
  const saved = Object.keys(env).map((k) => [k, process.env[k]] as const);
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const exitCode = process.exitCode;
  let out = '';
  let err = '';
  Object.assign(process.env, env);
  process.stdout.write = capture((t) => (out += t));
  process.stderr.write = capture((t) => (err += t));
  process.exitCode = undefined;
  try {
    await runDealerloop(['node', 'dealerloop', ...args], program);
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    process.exitCode = exitCode;
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The CLI's environment for a test hub: its Redis prefix, data folder and archive. */
export const cliEnvOf = (config: {
  REDIS_PREFIX: string;
  DATA_DIR: string;
  ARCHIVE_URL: string;
}): Record<string, string> => ({
  REDIS_PREFIX: config.REDIS_PREFIX,
  DATA_DIR: config.DATA_DIR,
  ARCHIVE_URL: config.ARCHIVE_URL,
});

/** Runs `dealerloop <args>` in process on `env`, expects exit 0 (else fails naming stderr), gives stdout. */
export function cliOk(env: Record<string, string>) {
  return async (...args: string[]): Promise<string> => {
    const r = await runCliInProcess(args, env);
    expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
    return r.out;
  };
}
