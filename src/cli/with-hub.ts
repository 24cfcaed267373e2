import { readFileSync } from 'node:fs';

import type { Hub } from '../hub.ts';
import { boot } from '../runtime/boot.ts';
import { createEngine, type Engine } from '../runtime/engine.ts';
import { cliLogDestination } from './progress-display.ts';

/**
 * Opens the hub for a one-shot command, runs `fn`, and always closes it. Its log lines pass
 * above a progress bar while one is on the terminal.
 */
export async function withHub<T>(fn: (hub: Hub) => Promise<T>): Promise<T> {
  const { hub } = await boot(process.env, cliLogDestination());
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}

/** Like `withHub`, with the sync engine too (connections, syncs, runs, quarantine). */
export async function withEngine<T>(fn: (engine: Engine, hub: Hub) => Promise<T>): Promise<T> {
  return withHub(async (hub) => {
    const engine = createEngine(hub);
    try {
      return await fn(engine, hub);
    } finally {
      await engine.close();
    }
  });
}

/** Reads a JSON option: inline JSON, or `@path` to a JSON file. */
export function jsonOption(
  value: string | undefined,
  name: string,
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const text = value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${name} must be a JSON object (or @file.json): ${(err as Error).message}`);
  }
}
