import { join } from 'node:path';

import { afterEach, beforeEach } from 'vitest';

import httpJson from '../../../connectors/http-json/index.ts';
import mailchimpConnector from '../../../connectors/mailchimp/index.ts';
import { AppError } from '../../../src/errors/app-error.ts';
import { ConnectorRegistry } from '../../../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR, DirectoryMappingSource } from '../../../src/sync/mapping-source.ts';
import type { MappingSource } from '../../../src/sync/services.ts';
import type { SyncMapping } from '../../../src/sync/sync-mapping.ts';
import type { SyncInput } from '../../../src/sync/types.ts';
import { FakeMailchimp } from '../../../src/sandbox/mailchimp.ts';
import { openEngineHarness, type EngineHarness } from '../../support/engine.ts';
import { FakeSystem } from '../../support/fake-system.ts';
import { API_KEY, LIST, SECRET, useNock } from './support.ts';

/** The mappings of these tests: a CRM mapping of their own, then the shipped ones. */
const TEST_MAPPINGS = join(import.meta.dirname, 'fixtures/mappings');

/** Looks a mapping up in each source in turn. */
class FirstOf implements MappingSource {
  constructor(private readonly sources: MappingSource[]) {}

  async get(name: string): Promise<SyncMapping> {
    for (const [i, source] of this.sources.entries()) {
      try {
        return await source.get(name);
      } catch (err) {
        const last = i === this.sources.length - 1;
        if (last || !(err instanceof AppError && err.code === 'unknown_mapping')) throw err;
      }
    }
    throw new Error('no mapping sources');
  }
}

/** A hub with the engine on the http-json and Mailchimp connectors, and a fresh tenant. */
export type MailchimpHarness = EngineHarness;

/** Opens an isolated hub (own Redis prefix and queue) for the Mailchimp engine tests. */
export function openMailchimpHarness(): Promise<MailchimpHarness> {
  return openEngineHarness(
    {},
    {
      registry: new ConnectorRegistry([httpJson, mailchimpConnector]),
      mappings: new FirstOf([
        new DirectoryMappingSource(TEST_MAPPINGS),
        new DirectoryMappingSource(DEFAULT_MAPPINGS_DIR),
      ]),
    },
  );
}

/**
 * A Mailchimp connection (two-way members sync) and a CRM connection on http-json at `crmUrl`
 * (a sync through `crm.mapping`, two-way unless `crm.mode` says otherwise).
 */
export async function mailchimpAndCrm(
  h: MailchimpHarness,
  crmUrl: string,
  crm: { mapping: string; mode?: SyncInput['mode'] },
  mailchimpSettings: Record<string, unknown> = {},
) {
  const mc = await h.hub.connections.create(h.tenantId, {
    connectorId: 'mailchimp',
    name: 'Mailchimp',
    settings: { listId: LIST, itemRetryBaseMs: 0, ...mailchimpSettings },
    credentials: { apiKey: API_KEY, webhookSecret: SECRET },
  });
  const crmConn = await h.hub.connections.create(h.tenantId, {
    connectorId: 'http-json',
    name: 'CRM',
    settings: { baseUrl: crmUrl, requestsPerSecond: 1000 },
    credentials: { token: 'crm-token' },
  });
  const mcSync = await h.engine.service.create(h.tenantId, {
    name: 'mailchimp members',
    connectionId: mc.id,
    mapping: 'mailchimp-members',
    mode: 'two-way',
  });
  const crmSync = await h.engine.service.create(h.tenantId, {
    name: 'crm contacts',
    connectionId: crmConn.id,
    mapping: crm.mapping,
    mode: crm.mode ?? 'two-way',
  });
  return { mc, crmConn, mcSync, crmSync };
}

/** What `useLoopbackWorld` opens for each test. */
export interface LoopbackWorld {
  h: MailchimpHarness;
  crm: FakeSystem;
  mc: FakeMailchimp;
}

/**
 * Everything on loopback for each test of a file: the hub (own Redis prefix), a fake CRM and the
 * Mailchimp sandbox audience; `take` receives them before each test, and all close after it.
 */
export function useLoopbackWorld(take: (w: LoopbackWorld) => void): void {
  let w: LoopbackWorld;
  useNock({ loopback: true });
  beforeEach(async () => {
    w = {
      h: await openMailchimpHarness(),
      crm: await new FakeSystem().start(),
      mc: await new FakeMailchimp(LIST, API_KEY).start(),
    };
    take(w);
  });
  afterEach(async () => {
    await w.h.close();
    await w.crm.stop();
    await w.mc.stop();
  });
}
