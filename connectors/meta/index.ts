import { defineConnector } from '../../src/sdk/connector.ts';
import { createMetaClient } from './client.ts';
import { metaErrors } from './errors.ts';
import { eventsSink } from './events.ts';
import { leadsStream } from './leads.ts';
import { MetaCredentials, MetaSettings } from './settings.ts';
import { spendStream } from './spend.ts';
import { metaWebhook } from './webhook.ts';

/**
 * Lead Ads delivers ~1 lead per notification; pulls are a few calls per run. Graph's budgets are
 * per hour and day (Page: 4800 × engaged users / 24 h; leads: 200 × 24 × leads of 90 days, docs/vendors.md
 * §2.5 M13), so a steady few calls per second per connection stays far inside them.
 */
const BURST = 10;

/**
 * Meta (Facebook/Instagram) Lead Ads and Marketing API insights.
 *
 * - `leads`: leads of the Page's forms since a created_time cursor, with form, ad, ad set and
 *   campaign context (mapping: mappings/meta-leads.yaml).
 * - `spend`: spend per campaign per day (mapping: mappings/meta-spend.yaml).
 * - sink `events`: Conversions API CRM events and purchases of Meta leads, from the closed loop's
 *   conversions (mapping: mappings/meta-crm-events.yaml; needs the `pixelId` setting).
 * - webhook: the hub.challenge handshake and signed leadgen notifications, whose leads are
 *   fetched by their leadgen ids at once.
 */
export default defineConnector({
  id: 'meta',
  name: 'Meta Lead Ads',
  settings: MetaSettings,
  credentials: MetaCredentials,
  limits: (s) => ({ requestsPerSecond: s.requestsPerSecond, burst: BURST, batchSize: 100 }),
  client: createMetaClient,
  errors: metaErrors,
  check: async (ctx) => {
    // The cheapest authenticated read: the Page (or, without one, the token's own node).
    await ctx.http.get(`/${ctx.settings.pageId ?? 'me'}`, {
      params: { fields: 'id,name' },
      signal: ctx.signal,
    });
  },
  streams: { leads: leadsStream, spend: spendStream },
  sinks: { events: eventsSink },
  webhook: metaWebhook,
});
