import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Redis } from 'ioredis';

import type { DemoConnections, DemoSyncs } from './setup.ts';

/** Where the demo keeps its files, its Redis key prefix and its API port (env overrides). */
export interface DemoPlace {
  dir: string;
  prefix: string;
  port: number;
}

/**
 * The demo's place: `DEMO_DIR` (./data/demo), `DEMO_PREFIX` (demo), `PORT` (8787). The prefix is
 * its own variable, not `REDIS_PREFIX`, so a shell set up for a real hub never points `--reset`
 * at that hub's keys.
 */
export function demoPlace(env: NodeJS.ProcessEnv): DemoPlace {
  return {
    dir: resolve(env.DEMO_DIR || 'data/demo'),
    prefix: env.DEMO_PREFIX || 'demo',
    port: Number(env.PORT || 8787),
  };
}

/** What a finished demo set-up remembers, so a restart keeps its data (`--reset` forgets it). */
export interface DemoState {
  /** The instant the story was written for: a restart plays the same days. */
  now: number;
  redisUrl: string;
  apiKey: string;
  keyId: string;
  connections: DemoConnections;
  syncs: DemoSyncs;
  from: string;
  to: string;
  /** Where this start's sandboxes listen. */
  sandboxes: { meta: string; google: string; crm: string };
  /**
   * Where this start's API listens (`http://127.0.0.1:<port>`), so `--env` in another shell
   * names the port the demo runs on, not that shell's `PORT`. Absent in a state written before.
   */
  apiUrl?: string;
}

const stateFile = (p: DemoPlace) => join(p.dir, 'state.json');

/** The saved state, or null before the first complete set-up. */
export function readState(p: DemoPlace): DemoState | null {
  const f = stateFile(p);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as DemoState) : null;
}

/** Saves the state (owner-only: it holds the demo's admin key). */
export function writeState(p: DemoPlace, s: DemoState): void {
  writeFileSync(stateFile(p), JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
}

/**
 * The environment the CLI needs to see the demo's hub (the same Redis, prefix and data folder),
 * plus the demo's URL, key and date range, as `export` lines for `eval`.
 */
export function envLines(p: DemoPlace, s: DemoState): string {
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const url = s.apiUrl ?? `http://127.0.0.1:${p.port}`;
  const vars: Record<string, string> = {
    REDIS_URL: s.redisUrl,
    REDIS_PREFIX: p.prefix,
    DATA_DIR: p.dir,
    ARCHIVE_URL: join(p.dir, 'archive'),
    PORT: new URL(url).port,
    DEALERLOOP_URL: url,
    DEALERLOOP_API_KEY: s.apiKey,
    DEMO_KEY_ID: s.keyId,
    DEMO_FROM: s.from,
    DEMO_TO: s.to,
    DEMO_META_CONNECTION: s.connections.meta,
    DEMO_DMS_SYNC: s.syncs.dmsSales,
    DEMO_META_URL: s.sandboxes.meta,
  };
  return Object.entries(vars)
    .map(([k, v]) => `export ${k}=${q(v)}`)
    .join('\n');
}

/** `--reset`: deletes the demo's keys (its prefix only, by SCAN; never FLUSHDB) and its folder. */
export async function resetDemo(p: DemoPlace, redisUrl: string): Promise<number> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'MATCH', `${p.prefix}:*`, 'COUNT', 1000);
      if (batch.length) deleted += await r.unlink(...batch);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  rmSync(p.dir, { recursive: true, force: true });
  return deleted;
}
