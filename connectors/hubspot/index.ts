import { defineConnector } from '../../src/sdk/connector.ts';
import { hubspotErrors } from './errors.ts';
import { createHubSpotClient } from './client.ts';
import { contactsStream } from './contacts-stream.ts';
import { dealsStream } from './deals-stream.ts';
import { engagementsStream } from './engagements-stream.ts';
import { readPropertyOptions } from './property-options.ts';
import { HubSpotCredentials, HubSpotSettings } from './settings.ts';

/** The CRM search endpoints, whose own rate limit is separate from the rest of the API. */
const SEARCH_PATH = /^\/crm\/.+\/search$/;
import { contactsSink, dealsSink, leadsSink } from './sinks.ts';

/**
 * HubSpot CRM, both ways, with a private app token (docs/vendors.md (HubSpot)).
 * Streams: `contacts` (→ canonical customers), `deals` (→ canonical leads; a deal's stage is the
 * lead's lifecycle stage, closed-won → sold, with the time each stage was entered) and
 * `engagements` (calls, emails, meetings, communications → canonical activities), all read
 * incrementally with the CRM search API. Sinks: `contacts` (from customers) and `leads` (from
 * leads, with their lead status), both HubSpot contacts by email, and `deals` (from DMS sales, by
 * a custom unique property), batch upserts with per-record results.
 */
export default defineConnector({
  id: 'hubspot',
  name: 'HubSpot',
  settings: HubSpotSettings,
  credentials: HubSpotCredentials,
  limits: (s) => ({
    requestsPerSecond: s.requestsPerSecond,
    burst: Math.max(1, Math.floor(s.requestsPerSecond)),
    batchSize: s.batchSize,
    // Every search request (not every stream read) takes a token of its own bucket, evenly
    // spaced (burst 1), so no rolling second ever holds more than HubSpot's search limit.
    endpoints: [
      {
        name: 'search',
        matches: (method, path) => method === 'POST' && SEARCH_PATH.test(path),
        requestsPerSecond: s.searchRequestsPerSecond,
        burst: 1,
      },
    ],
  }),
  client: createHubSpotClient,
  errors: hubspotErrors,
  // The cheapest authenticated read (one contact id), then the options of the enumeration
  // properties the sinks write, kept in the connection's settings.
  check: async (ctx) => {
    await ctx.http.get('/crm/v3/objects/contacts', {
      params: { limit: 1, properties: 'hs_object_id' },
      signal: ctx.signal,
    });
    return { settings: { propertyOptions: await readPropertyOptions(ctx) } };
  },
  streams: { contacts: contactsStream, deals: dealsStream, engagements: engagementsStream },
  sinks: { contacts: contactsSink, leads: leadsSink, deals: dealsSink },
});
