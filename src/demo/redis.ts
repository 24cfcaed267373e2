import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

import { Redis } from 'ioredis';

import { StartupError } from '../runtime/startup-error.ts';

/** The Redis the demo uses, and the server it started (null when one was already running). */
export interface DemoRedis {
  url: string;
  child: ChildProcess | null;
}

/** Whether a Redis answers PING at `url` (one try, no retries). */
async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Whether nothing listens on a loopback port. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free loopback port the system picks. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The port to start redis-server on: the URL's own when it is a free loopback port, else 6379, else any. */
async function portFor(url: string): Promise<number> {
  const u = new URL(url);
  const own = Number(u.port || 6379);
  if (['127.0.0.1', 'localhost'].includes(u.hostname) && (await portFree(own))) return own;
  return (await portFree(6379)) ? 6379 : freePort();
}

/**
 * The Redis at `url` when it answers; otherwise starts `redis-server` (in memory, no persistence)
 * on the URL's port when it is a free loopback port (else 6379 when free, else any free port),
 * and waits until it answers. Without a
 * redis-server on the PATH it stops with one line saying how to get one.
 */
export async function ensureRedis(url: string): Promise<DemoRedis> {
  if (await answers(url)) return { url, child: null };
  const installed = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!installed)
    throw new StartupError(
      `No Redis answers at ${url} and redis-server is not installed: install it ` +
        '(apt-get install redis-server, or brew install redis), start it, or set REDIS_URL',
    );
  const port = await portFor(url);
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const started = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await answers(started)) return { url: started, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new StartupError(`redis-server did not start on port ${port}`);
}
