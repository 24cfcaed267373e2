import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClientOf } from '../../src/sdk/http.ts';
import { shareRateLimitWindow, type RateLimitHeaders } from '../../src/sdk/rate-limit.ts';
import { listenLoopback, closeServer } from '../../src/sandbox/loopback.ts';
import { paceRequests, SharedRateLimiter } from '../../src/sync/rate-limiter.ts';

/** A vendor that answers `h.<name>=<value>` query parameters as headers and notes arrivals. */
let server: Server;
let baseUrl = '';
const arrivals = new Map<string, number>();
const redisA = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const redisB = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const key = `test:sdk-rate-share:${randomUUID()}`;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    arrivals.set(url.pathname, Date.now());
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [k, v] of url.searchParams) if (k.startsWith('h.')) headers[k.slice(2)] = v;
    res.writeHead(200, headers).end('{}');
  });
  baseUrl = await listenLoopback(server);
});
afterAll(async () => {
  await closeServer(server);
  await redisA.del(key);
  redisA.disconnect();
  redisB.disconnect();
});

const SPEC: RateLimitHeaders = {
  vendor: 'Acme',
  remaining: 'x-left',
  reset: { header: 'x-reset', unit: 'ms' },
  windowMs: 10_000,
};

/** One worker process's client of the connection: its own Redis connection and limiter. */
function workerClient(redis: Redis) {
  const limiter = new SharedRateLimiter(redis, key, 1000, 1000);
  const http = paceRequests(
    httpClientOf({ baseUrl, auth: { kind: 'none' }, rateLimit: SPEC }),
    limiter,
  );
  expect(shareRateLimitWindow(http, (ms) => limiter.pause(ms))).toBe(true);
  return http;
}

describe('rate-limit headers shared through the connection limiter in Redis', () => {
  it('a window one process sees spent holds the other process until it resets', async () => {
    const a = workerClient(redisA);
    const b = workerClient(redisB);
    await a.get('/a', { params: { 'h.x-left': '0', 'h.x-reset': '800' } });
    // The hold is in the shared key before A's answer is returned.
    const [[, until], [, time]] = (await redisB.multi().hget(key, 'until').time().exec()) as [
      [null, string],
      [null, [string, string]],
    ];
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    expect(Number(until) - now).toBeGreaterThan(0);
    expect(Number(until) - now).toBeLessThanOrEqual(800);
    // B never saw the headers itself: only the shared key makes it wait.
    await b.get('/b');
    expect(arrivals.get('/b')!).toBeGreaterThanOrEqual(Number(until) - 5);
  });

  it('a client without declared rate-limit headers has nothing to share', () => {
    const plain = httpClientOf({ baseUrl, auth: { kind: 'none' } });
    expect(shareRateLimitWindow(plain, () => Promise.resolve())).toBe(false);
  });

  it('a window with requests left holds no one', async () => {
    const a = workerClient(redisA);
    await redisA.hdel(key, 'until');
    await a.get('/left', { params: { 'h.x-left': '3', 'h.x-reset': '800' } });
    expect(await redisA.hget(key, 'until')).toBeNull();
  });
});
