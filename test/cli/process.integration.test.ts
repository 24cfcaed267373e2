import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

import { listenLoopback } from '../../src/sandbox/loopback.ts';
import { runCliInProcess } from '../support/cli.ts';
import { deleteMatching, testRedisUrl } from '../support/hub.ts';

const BIN = join(import.meta.dirname, '../../bin/dealerloop.js');
const dir = mkdtempSync(join(tmpdir(), 'dl-proc-'));
const prefix = `t${randomUUID().slice(0, 8)}`;
/** Where the commands keep their data: a Redis prefix and a folder of this file's own. */
const home = { REDIS_PREFIX: prefix, DATA_DIR: dir, ARCHIVE_URL: join(dir, 'archive') };

afterAll(async () => {
  const redis = new Redis(testRedisUrl());
  await deleteMatching(redis, `${prefix}:*`);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI as a child process with a test environment. */
function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

/**
 * Runs the CLI in this process (the same program, output captured) with the same environment and
 * the same answer as `run`: a child process costs seconds of start-up on a loaded machine, so each
 * command family here keeps one child and runs its other commands in process.
 */
function runHere(args: string[], env: Record<string, string> = {}) {
  const done = runCliInProcess(args, { ...home, ...env });
  const got = { out: '', err: '' };
  const exited = done.then((r) => {
    Object.assign(got, r);
    return r.code;
  });
  return { exited, out: () => got.out, err: () => got.err };
}

/**
 * Polls a URL until it answers. Waiting only: each child starts tsx and loads the whole hub, which
 * takes seconds on a loaded 2-core machine, and nothing here measures how long.
 */
async function waitForAnswer(url: string, within = 90_000): Promise<Response | undefined> {
  const until = Date.now() + within;
  while (Date.now() < until) {
    const res = await fetch(url).catch(() => undefined);
    if (res) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  const port = Number(new URL(await listenLoopback(srv)).port);
  await new Promise((r) => srv.close(r));
  return port;
}

describe('connections and syncs from the command line', { timeout: 180_000 }, () => {
  it('adds a connection, creates a sync and watches its first run finish with counts', async () => {
    const { FakeSystem } = await import('../support/fake-system.ts');
    const { TEST_MAPPINGS } = await import('../support/engine.ts');
    const system = await new FakeSystem().start();
    try {
      for (let i = 0; i < 3; i++)
        system.put('contacts', {
          id: `c${i}`,
          email: `p${i}@example.com`,
          updated_at: '2026-11-20T10:00:00Z',
        });
      system.put('contacts', { id: 'bad', email: 'nope', updated_at: '2026-11-20T10:00:00Z' });
      const env = { MAPPINGS_DIR: TEST_MAPPINGS };
      expect(await runHere(['tenant', 'create', 'bayside', '--name', 'Bayside'], env).exited).toBe(
        0,
      );
      /** `connection create` of an http-json connection with these settings, in process or a child. */
      const createConnection = (
        via: typeof runHere,
        name: string,
        settings: string,
        ...more: string[]
      ) =>
        via(
          ['connection', 'create', '--tenant', 'bayside', '--connector', 'http-json'].concat(
            ['--name', name, '--settings', settings],
            more,
          ),
          env,
        );
      const conn = createConnection(
        runHere,
        'CRM',
        JSON.stringify({ baseUrl: system.url }),
        '--json',
      );
      expect(await conn.exited).toBe(0);
      const connectionId = (JSON.parse(conn.out()) as { id: string }).id;
      const typo = createConnection(run, 'x', '{"baseUrl":"crm"}');
      expect(await typo.exited).toBe(1);
      expect(typo.err()).toContain('settings.baseUrl');
      const sync = runHere(
        [
          'sync',
          'create',
          '--tenant',
          'bayside',
          '--connection',
          connectionId,
          '--mapping',
          'crm-a-contacts',
          '--mode',
          'inbound',
          '--json',
        ],
        env,
      );
      expect(await sync.exited).toBe(0);
      const syncId = (JSON.parse(sync.out()) as { id: string }).id;
      const first = runHere(['sync', 'run', syncId, '--tenant', 'bayside', '--inline'], env);
      expect(await first.exited).toBe(0);
      expect(first.out()).toMatch(/^succeeded · read 4 · created 3 · .*quarantined 1/m);
      const q = runHere(['quarantine', 'list', '--tenant', 'bayside'], env);
      expect(await q.exited).toBe(0);
      expect(q.out()).toMatch(/bad\s+email: /);
    } finally {
      await system.stop();
    }
  });
});

describe('dealerloop process', { timeout: 180_000 }, () => {
  it('start: answers /healthz and /readyz, then stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const p = run(['start', '--port', String(port)]);
    const ready = await waitForAnswer(`http://127.0.0.1:${port}/readyz`);
    expect(ready?.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.out()).toContain('"msg":"stopped"');
  });

  it('start: a taken port exits non-zero with one clear line', async () => {
    const taken = createServer();
    const port = Number(new URL(await listenLoopback(taken)).port);
    try {
      const p = run(['start', '--port', String(port)]);
      expect(await p.exited).toBe(1);
      const lines = p.err().trim().split('\n');
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^error: Port .*:${port} is already in use`)),
      ]);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('npm start: SIGTERM to the npm process stops the server', async () => {
    const port = await freePort();
    const child = spawn('npm', ['start', '--silent'], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, REDIS_PREFIX: prefix, DATA_DIR: dir, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const ready = await waitForAnswer(`http://127.0.0.1:${port}/healthz`);
    expect(ready?.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('"msg":"stopped"');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('start: a port that is not a number is refused with the reason', async () => {
    // Refused by commander before anything starts, so in this process (`start` runs as a child above).
    const p = runHere(['start', '--port', 'abc']);
    expect(await p.exited).toBe(1);
    expect(p.err()).toContain(
      `argument 'abc' is invalid. must be a whole number from 1 to 65535, got "abc"`,
    );
  });

  it('refuses an invalid environment, naming every bad variable', async () => {
    // Refused while reading the environment, before anything starts: in this process too.
    const p = runHere(['start'], { PORT: 'abc', LOG_LEVEL: 'chatty' });
    expect(await p.exited).toBe(1);
    expect(p.err()).toContain('PORT: must be a number');
    expect(p.err()).toContain('LOG_LEVEL: must be one of');
  });

  it('says in one line where it looked for Redis and how to start one', async () => {
    const p = run(['worker'], { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(await p.exited).toBe(1);
    const lines = p.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ .*redis-server --daemonize yes/,
    );
  });

  it('tenant create / apikey create print for people, or JSON with --json', async () => {
    const created = run(['tenant', 'create', 'acme-ford', '--name', 'Acme Ford', '--json']);
    expect(await created.exited).toBe(0);
    expect(JSON.parse(created.out())).toMatchObject({ id: 'acme-ford', name: 'Acme Ford' });
    const key = runHere(['apikey', 'create', '--tenant', 'acme-ford', '--role', 'it']);
    expect(await key.exited).toBe(0);
    expect(key.out()).toMatch(/token \(shown once\): dlk_[a-z0-9]{16}_/);
    const bad = run(['apikey', 'create', '--tenant', 'acme-ford', '--role', 'owner']);
    expect(await bad.exited).toBe(1);
    expect(bad.err()).toContain(
      '--role of a tenant key must be one of admin, it, marketing, viewer',
    );
    const list = runHere(['tenant', 'list']);
    expect(await list.exited).toBe(0);
    expect(list.out()).toMatch(/ID\s+NAME[\s\S]*acme-ford\s+Acme Ford/);
  });
});
