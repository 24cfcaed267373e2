import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Writable } from 'node:stream';

import type { Redis } from 'ioredis';

import { createArchive } from '../../src/archive/index.ts';
import { loadConfig, type Config } from '../../src/config/env.ts';
import { openHub, type Hub } from '../../src/hub.ts';
import { createLogger } from '../../src/log/logger.ts';

/** A hub on the shared Redis under a key prefix of its own, with a temp archive and log capture. */
export interface TestHub {
  hub: Hub;
  config: Config;
  /** Every log line written, parsed. */
  logs: Record<string, unknown>[];
  /** Raw log text, for "nothing sensitive was logged" checks. */
  logText: () => string;
  /** Deletes every key under the prefix, the temp folders, and closes Redis. */
  cleanup(): Promise<void>;
}

/** Opens a hub isolated from every other test: its own Redis prefix, master key and archive folder. */
export async function openTestHub(env: Record<string, string> = {}): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), 'dl-test-'));
  const config = loadConfig({
    REDIS_PREFIX: `t${randomUUID().slice(0, 8)}`,
    ARCHIVE_URL: join(dir, 'archive'),
    DATA_DIR: dir,
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '5000',
    // A bench's private redis-server (bench/support/redis.ts); tests use the shared one.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...env,
  });
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const log = createLogger(config.LOG_LEVEL, sink);
  const hub = await openHub(config, log, {
    masterKey: config.HUB_MASTER_KEY ? undefined : randomBytes(32),
    archive: createArchive({ url: config.ARCHIVE_URL }),
  });
  return {
    hub,
    config,
    get logs() {
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    logText: () => text,
    async cleanup() {
      await deleteByPrefix(hub, `${config.REDIS_PREFIX}:*`);
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes the keys matching `pattern` (SCAN, never FLUSHDB: the Redis is shared). */
export async function deleteByPrefix(hub: Hub, pattern: string): Promise<void> {
  await deleteMatching(hub.redis, pattern);
}

/**
 * The keys matching `pattern` on `redis`, batch by batch, with SCAN: never KEYS, which blocks the
 * shared Redis for every other test while it walks the whole keyspace.
 */
async function* scanBatches(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (batch.length) yield batch;
    cursor = next;
  } while (cursor !== '0');
}

/** The keys matching `pattern` (give it the test's own prefix), sorted; SCAN, never KEYS. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of scanBatches(redis, pattern)) out.push(...batch);
  return [...new Set(out)].sort();
}

/** How to read a whole value of each Redis type (set members sorted, so two reads compare). */
const READ_ALL: Record<string, (redis: Redis, key: string) => Promise<unknown>> = {
  string: (r, k) => r.get(k),
  hash: (r, k) => r.hgetall(k),
  list: (r, k) => r.lrange(k, 0, -1),
  set: async (r, k) => (await r.smembers(k)).sort(),
  zset: (r, k) => r.zrange(k, 0, -1, 'WITHSCORES'),
  stream: (r, k) => r.xrange(k, '-', '+'),
  none: async () => null, // expired between SCAN and TYPE
};

/**
 * Every value stored under the keys matching `pattern`, whole, by key in key order: strings as
 * they are, hashes as objects, lists, sets, sorted sets (with scores) and streams as arrays.
 */
export async function dumpValues(redis: Redis, pattern: string): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const key of await scanKeys(redis, pattern)) {
    const type = await redis.type(key);
    const read = READ_ALL[type];
    if (!read) throw new Error(`dumpValues: no reader for ${type} key ${key}`);
    const value = await read(redis, key);
    if (value !== null) out.set(key, value);
  }
  return out;
}

/**
 * Every value stored under the keys matching `pattern` as raw text, by key (strings as they are,
 * other types as JSON of their members): for "no secret is stored in clear" checks.
 */
export async function rawValues(redis: Redis, pattern: string): Promise<Map<string, string>> {
  const dump = await dumpValues(redis, pattern);
  return new Map(
    [...dump].map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as const),
  );
}

/** Deletes the keys matching `pattern` on `redis` with SCAN (never KEYS, nor FLUSHDB). */
export async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  for await (const batch of scanBatches(redis, pattern)) await redis.del(...batch);
}

/** The Redis the tests use: REDIS_URL (a bench's private server) or the shared one. */
export const testRedisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
