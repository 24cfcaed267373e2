import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';

/** A free loopback TCP port (bound, read and released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A redis-server of a test's own, on a random free port, that the test may kill -9 and start
 * again (the shared Redis on 6379 is never touched). `persist: true` keeps an append-only file
 * written on every command, so the data survives the kill; otherwise a restart comes back empty.
 */
export class OwnRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'dl-redis-'));
  private proc: ChildProcess | null = null;
  port = 0;

  constructor(private readonly persist = false) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (on the same port again after `kill`) and waits until it answers. */
  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir];
    args.push('--save', '', '--daemonize', 'no');
    if (this.persist) args.push('--appendonly', 'yes', '--appendfsync', 'always');
    else args.push('--appendonly', 'no');
    this.proc = spawn('redis-server', args, { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      const probe = new Redis(this.port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      const up = await probe
        .connect()
        .then(() => probe.ping())
        .catch(() => null);
      probe.disconnect();
      if (up === 'PONG') break;
      if (i > 200) throw new Error(`redis-server on port ${this.port} did not start`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this;
  }

  /** SIGKILL: no shutdown save, clients see the connection drop. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
    this.proc = null;
  }

  /** Kills the server and removes its folder. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
