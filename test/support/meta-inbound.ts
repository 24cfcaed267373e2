import { join } from 'node:path';

import { connectors } from '../../connectors/index.ts';
import type { Hub } from '../../src/hub.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import type { InboundScope } from '../../src/sync/inbound.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { createSyncServices, type SyncServices } from '../../src/sync/services.ts';

/**
 * A tenant (created here) with a Meta connection and an inbound sync of the shipped
 * `meta-leads` mapping: the sync services and the scope `ingestPage` takes for its pages.
 */
export async function metaInbound(
  hub: Hub,
  tenantId: string,
  tenantName: string,
): Promise<{ svc: SyncServices; scope: InboundScope }> {
  const registry = new ConnectorRegistry(connectors);
  const mappings = new DirectoryMappingSource(join(import.meta.dirname, '../../mappings'));
  const svc = createSyncServices(hub, registry, mappings);
  await hub.tenants.create({ id: tenantId, name: tenantName });
  const conn = await hub.connections.create(tenantId, {
    connectorId: 'meta',
    name: 'meta',
    settings: { pageId: '123456789' },
    credentials: { accessToken: 'test-token' },
  });
  const mapping = await mappings.get('meta-leads');
  const sync = await svc.syncs.create(tenantId, {
    name: 'meta in',
    connectionId: conn.id,
    mapping: mapping.name,
    mode: 'inbound',
  });
  return {
    svc,
    scope: { sync, connector: registry.get('meta'), mapping, stream: 'leads', twoWay: false },
  };
}
