import type { StreamDef } from '../../src/sdk/connector.ts';
import { defineConnector } from '../../src/sdk/connector.ts';
import { createAdfClient } from './client.ts';
import { AdfCredentials, AdfSettings } from './settings.ts';
import { LEADS_PER_BATCH, leadsSink } from './sink.ts';
import { adfWebhook } from './webhook.ts';

/**
 * ADF has nothing to pull: vendors push documents to the webhook. The stream exists so an inbound
 * sync can be declared on it; a scheduled run reads nothing and keeps its cursor.
 */
const pushedLeads: StreamDef<AdfSettings, AdfCredentials> = {
  description: 'Leads lead vendors post as ADF/XML to the hub webhook (push only)',
  read: async (_ctx, cursor) => ({ records: [], nextCursor: cursor, hasMore: false }),
};

/**
 * ADF/XML 1.0 (Auto-lead Data Format) lead delivery to any dealer CRM: the `leads` sink POSTs one
 * document per lead to the CRM's lead-intake URL (mapping: mappings/adf-lead.yaml); the webhook
 * takes ADF that lead vendors post to the hub.
 */
export default defineConnector({
  id: 'adf-crm',
  name: 'ADF/XML CRM lead delivery',
  settings: AdfSettings,
  credentials: AdfCredentials,
  limits: (s) => ({ requestsPerSecond: s.requestsPerSecond, burst: 5, batchSize: LEADS_PER_BATCH }),
  client: createAdfClient,
  streams: { leads: pushedLeads },
  sinks: { leads: leadsSink },
  webhook: adfWebhook,
});
