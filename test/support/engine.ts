import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { afterEach, beforeEach } from 'vitest';

import httpJson from '../../connectors/http-json/index.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import type { ConnectorDef } from '../../src/sdk/connector.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import type { MappingSource } from '../../src/sync/services.ts';
import type { Sync, SyncInput } from '../../src/sync/types.ts';
import { FakeSystem } from './fake-system.ts';
import { FAST_RETRY } from './retry.ts';
import { openTestHub, type TestHub } from './hub.ts';

/** The mapping files of the engine tests. */
export const TEST_MAPPINGS = join(import.meta.dirname, '../sync/fixtures/mappings');

export { FAST_RETRY } from './retry.ts';

/** A second generic system under its own connector id, so owner rules can tell the two apart. */
export const crmB = {
  ...httpJson,
  id: 'crm-b',
  name: 'CRM B',
} as ConnectorDef;

/** A hub, its engine (own queue), and helpers to add connections to fake systems and syncs. */
export interface EngineHarness extends TestHub {
  engine: Engine;
  tenantId: string;
  connect(
    connectorId: string,
    system: FakeSystem,
    settings?: Record<string, unknown>,
  ): Promise<string>;
  addSync(input: Omit<SyncInput, 'name'> & { name?: string }): Promise<Sync>;
  close(): Promise<void>;
}

/** Opens an isolated hub with the engine on the test mappings and a fresh tenant. */
export async function openEngineHarness(
  env: Record<string, string> = {},
  opts: {
    queueName?: string;
    registry?: ConnectorRegistry;
    mappings?: MappingSource;
    tenantId?: string;
    tenantName?: string;
  } = {},
): Promise<EngineHarness> {
  const t = await openTestHub({ MAPPINGS_DIR: TEST_MAPPINGS, ...env });
  const engine = createEngine(t.hub, {
    registry: opts.registry ?? new ConnectorRegistry([httpJson, crmB]),
    mappings: opts.mappings ?? new DirectoryMappingSource(TEST_MAPPINGS),
    queueName: opts.queueName ?? `sync-${randomUUID()}`,
    retry: FAST_RETRY,
  });
  const tenantId = opts.tenantId ?? 'store-a';
  await t.hub.tenants.create({ id: tenantId, name: opts.tenantName ?? 'Acme Ford' });
  return Object.assign(t, {
    engine,
    tenantId,
    async connect(connectorId: string, system: FakeSystem, settings: Record<string, unknown> = {}) {
      const c = await t.hub.connections.create(tenantId, {
        connectorId,
        name: `${connectorId} ${system.url}`,
        settings: { baseUrl: system.url, requestsPerSecond: 1000, ...settings },
        credentials: { token: 'test-token', webhookSecret: 'whsec-0123456789abcdef' },
      });
      return c.id;
    },
    addSync(input: Omit<SyncInput, 'name'> & { name?: string }) {
      return engine.service.create(tenantId, { name: input.name ?? input.mapping, ...input });
    },
    async close() {
      await engine.queue.queue.obliterate({ force: true }).catch(() => undefined);
      await engine.close();
      await t.cleanup();
    },
  });
}

/** A harness and named fake systems for each test of a file, opened and closed around it. */
export type EngineWithSystems<N extends string> = { h: EngineHarness } & Record<N, FakeSystem>;

/**
 * Registers `beforeEach`/`afterEach` that open a fresh harness and one fake system per name, and
 * close them all after the test. Read them through the returned object (`t.h`, `t.source`, ...).
 */
export function useEngineWithSystems<N extends string>(...names: N[]): EngineWithSystems<N> {
  return useEngineWith({}, ...names);
}

/** `useEngineWithSystems` with the harness opened on `env` and `opts` (see `openEngineHarness`). */
export function useEngineWith<N extends string>(
  harness: {
    env?: Record<string, string>;
    opts?: Parameters<typeof openEngineHarness>[1];
  },
  ...names: N[]
): EngineWithSystems<N> {
  const ctx = {} as EngineWithSystems<N>;
  beforeEach(async () => {
    ctx.h = await openEngineHarness(harness.env, harness.opts);
    for (const name of names)
      (ctx as Record<string, unknown>)[name] = await new FakeSystem().start();
  });
  afterEach(async () => {
    await ctx.h.close();
    for (const name of names) await ctx[name].stop();
  });
  return ctx;
}

/**
 * Puts `n` contacts in `source` (ids `a-<i>`, emails `person<i>@example.com`, plus `extra(i)`)
 * and reads them into the hub with an inbound sync of `crm-a-contacts`, in pages of 100.
 */
export async function ingestContacts(
  h: EngineHarness,
  source: FakeSystem,
  n: number,
  extra: (i: number) => Record<string, unknown> = () => ({}),
): Promise<Sync> {
  for (let i = 0; i < n; i++)
    source.put('contacts', {
      id: `a-${i}`,
      email: `person${i}@example.com`,
      ...extra(i),
      updated_at: '2026-11-20T10:00:00Z',
    });
  const inbound = await h.addSync({
    connectionId: await h.connect('http-json', source, { pageSize: 100 }),
    mapping: 'crm-a-contacts',
    mode: 'inbound',
  });
  await runSync(h.engine.service.svc, h.tenantId, inbound.id, 'manual');
  return inbound;
}

/** Fake CRM leads as `crm-a-leads` reads them (see `putCrmLeads`). */
export interface CrmLeads {
  /** Created (and last changed) at. */
  at: string;
  source: string;
  /** Lead i is in campaign `cmp-<i % campaigns>`. */
  campaigns: number;
  email: (i: number) => string;
  gclid?: (i: number) => string;
}

/** Puts `n` new leads in `system` (ids `L-<i>`), one person each. */
export function putCrmLeads(system: FakeSystem, n: number, o: CrmLeads): void {
  for (let i = 0; i < n; i++)
    system.put('leads', {
      id: `L-${i}`,
      created_at: o.at,
      updated_at: o.at,
      stage: 'new',
      source: o.source,
      campaign_id: `cmp-${i % o.campaigns}`,
      ...(o.gclid ? { gclid: o.gclid(i) } : {}),
      email: o.email(i),
    });
}
