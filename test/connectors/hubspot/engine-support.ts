import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';

import hubspotConnector from '../../../connectors/hubspot/index.ts';
import { ConnectorRegistry } from '../../../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR, DirectoryMappingSource } from '../../../src/sync/mapping-source.ts';
import { openEngineHarness, type EngineHarness } from '../../support/engine.ts';
import { HOST, TOKEN } from './support.ts';

/** The engine world of a test: the hub and its HubSpot connection (set anew before each test). */
export interface HubSpotEngine {
  h: EngineHarness;
  connectionId: string;
}

/**
 * Before each test: a hub with the sync engine on the HubSpot connector and the shipped
 * mappings, and a HubSpot connection (on the mocked host, with `settings` added) of `tenantId`;
 * no request but Redis's leaves the process. After each: mocks dropped, the hub closed.
 */
export function useHubSpotEngine(
  tenantId: string,
  settings: Record<string, unknown> = {},
): HubSpotEngine {
  const world = {} as HubSpotEngine;
  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1'); // Redis
    world.h = await openEngineHarness(
      {},
      {
        registry: new ConnectorRegistry([hubspotConnector]),
        mappings: new DirectoryMappingSource(DEFAULT_MAPPINGS_DIR),
        tenantId,
      },
    );
    const c = await world.h.hub.connections.create(tenantId, {
      connectorId: 'hubspot',
      name: 'HubSpot',
      settings: { apiHost: HOST, indexLagMs: 0, ...settings },
      credentials: { accessToken: TOKEN },
    });
    world.connectionId = c.id;
  });
  afterEach(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await world.h.close();
  });
  return world;
}
