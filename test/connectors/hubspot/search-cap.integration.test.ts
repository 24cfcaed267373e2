import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import hubspotConnector from '../../../connectors/hubspot/index.ts';
import { ConnectorRegistry } from '../../../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR, DirectoryMappingSource } from '../../../src/sync/mapping-source.ts';
import { runSync } from '../../../src/sync/run-sync.ts';
import { openEngineHarness, type EngineHarness } from '../../support/engine.ts';
import { generateContacts } from './fake-contacts.ts';
import { FakeHubSpot } from '../../../src/sandbox/hubspot/server.ts';

const TENANT = 'store-a';
let h: EngineHarness;
let fake: FakeHubSpot;

beforeEach(async () => {
  fake = await new FakeHubSpot().start();
  h = await openEngineHarness(
    {},
    {
      registry: new ConnectorRegistry([hubspotConnector]),
      mappings: new DirectoryMappingSource(DEFAULT_MAPPINGS_DIR),
      tenantId: TENANT,
    },
  );
});
afterEach(async () => {
  await h.close();
  await fake.stop();
});

describe('HubSpot search past the 10,000-result cap', () => {
  it('reads 12,000 contacts with 300 sharing one modified time at the cap in one run, no 429', async () => {
    fake.objects.set('contacts', generateContacts(12_000, 9_850, 300));
    const c = await h.hub.connections.create(TENANT, {
      connectorId: 'hubspot',
      name: 'HubSpot',
      settings: { apiHost: fake.url, indexLagMs: 0, pageSize: 100 },
      credentials: { accessToken: 'pat-na1-00000000-test-token' },
    });
    const sync = await h.engine.service.create(TENANT, {
      name: 'contacts',
      connectionId: c.id,
      mapping: 'hubspot-contacts',
      mode: 'inbound',
    });
    const run = await runSync(h.engine.service.svc, TENANT, sync.id, 'manual');
    expect(run).toMatchObject({ status: 'succeeded', counts: { read: 12_000, quarantined: 0 } });
    const links = await h.hub.redis.hgetall(h.hub.keys.links(TENANT, c.id, 'contacts'));
    const ids = new Set(fake.objects.get('contacts')!.map((o) => o.id));
    expect(Object.keys(links).filter((k) => ids.has(k))).toHaveLength(12_000);
    expect(fake.count(429)).toBe(0);
    expect(fake.count(400)).toBe(0);
    // 120 pages of 100, plus the tie cluster read by id and the empty pages that end queries.
    expect(fake.count(200, /search$/)).toBeLessThanOrEqual(130);
  }, 180_000);
});

describe('the HubSpot search limit across workers', () => {
  it('two runs searching one portal at once stay under its per-second limit: no 429', async () => {
    fake.objects.set('contacts', generateContacts(1_000, 500, 20));
    const c = await h.hub.connections.create(TENANT, {
      connectorId: 'hubspot',
      name: 'HubSpot',
      settings: { apiHost: fake.url, indexLagMs: 0, pageSize: 100 },
      credentials: { accessToken: 'pat-na1-00000000-test-token' },
    });
    const syncs = await Promise.all(
      ['a', 'b'].map((name) =>
        h.engine.service.create(TENANT, {
          name,
          connectionId: c.id,
          mapping: 'hubspot-contacts',
          mode: 'inbound',
        }),
      ),
    );
    const runs = await Promise.all(
      syncs.map((s) => runSync(h.engine.service.svc, TENANT, s.id, 'manual')),
    );
    for (const run of runs)
      expect(run).toMatchObject({ status: 'succeeded', counts: { read: 1_000 } });
    expect(fake.count(200, /search$/)).toBeGreaterThanOrEqual(20);
    expect(fake.count(429)).toBe(0);
  }, 60_000);
});
