import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { z } from 'zod';

import { compileMapping, loadMappingFile } from '../../../src/mapping/index.ts';
import type { ConnectorContext, ConnectorDef } from '../../../src/sdk/connector.ts';
import { classifierOfConnector } from '../../../src/sdk/error-table.ts';
import { withRetry } from '../../../src/sdk/retry.ts';

/**
 * A connector context as the engine builds it (settings and credentials parsed with the
 * connector's schemas, its own HTTP client), without a hub: for connector tests with nock.
 */
export function contextOf<SS extends z.ZodType, CS extends z.ZodType>(
  def: ConnectorDef<SS, CS>,
  settings: z.input<SS>,
  credentials: z.input<CS>,
): ConnectorContext<z.output<SS>, z.output<CS>> {
  const s = def.settings.parse(settings) as z.output<SS>;
  const c = def.credentials.parse(credentials) as z.output<CS>;
  return {
    tenantId: 'store-a',
    connectionId: 'conn-1',
    settings: s,
    credentials: c,
    http: def.client!(s, c),
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
  };
}

/**
 * Runs `fn` the way the engine runs a vendor call: failures classified by the connector and
 * retryable ones retried, here without waiting. The waits asked for are recorded.
 */
export async function asEngine<T>(
  def: Pick<ConnectorDef, 'classify' | 'errors'>,
  fn: () => Promise<T>,
  waits: number[] = [],
): Promise<T> {
  return withRetry(fn, {
    classify: classifierOfConnector(def),
    policy: { attempts: 4, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 3_600_000 },
    onRetry: ({ error }) => void waits.push(error.retryAfterMs ?? 0),
    sleep: async () => undefined,
  });
}

/** Blocks real network calls for the file's tests and drops interceptors between tests. */
export function useNock(opts: { allPending?: boolean } = {}): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    // Every interceptor set up was called: no expected request silently went missing.
    if (opts.allPending) expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });
  afterAll(() => nock.enableNetConnect());
}

/** A shipped mapping file, loaded and compiled (the test fails with the located errors). */
export async function shippedMapping(name: string) {
  const loaded = await loadMappingFile(`mappings/${name}.yaml`);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.format()).join('\n'));
  return compileMapping(loaded.doc);
}
