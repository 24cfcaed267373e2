import type { Hub } from '../../src/hub.ts';
import { FakeMailchimp } from '../../src/sandbox/mailchimp.ts';

/** The audience and API key of the loopback Mailchimp the sample and preview tests read. */
export const MC_LIST = 'a1b2c3d4e5';
export const MC_API_KEY = '0123456789abcdef0123456789abcdef-us14';

/**
 * The loopback Mailchimp with `n` subscribed members `<name><i>@Example.com`, the i-th changed
 * on 1 + i November 2026 (oldest first), and the settings and credentials of a connection to it.
 */
export async function startMailchimpMembers(name: string, n: number) {
  const mc = await new FakeMailchimp(MC_LIST, MC_API_KEY).start();
  for (let i = 0; i < n; i++)
    mc.add(`${name}${i}@Example.com`, 'subscribed', [], new Date(Date.UTC(2026, 10, 1 + i)));
  const settings = { listId: MC_LIST, baseUrl: mc.url };
  const credentials = { apiKey: MC_API_KEY, webhookSecret: 'whsec-0123456789' };
  return { mc, settings, credentials };
}

/** A tenant's connection 'Mailchimp: main store' to that Mailchimp; its id. */
export async function connectMailchimp(
  hub: Hub,
  tenantId: string,
  to: Awaited<ReturnType<typeof startMailchimpMembers>>,
): Promise<string> {
  const { settings, credentials } = to;
  const created = await hub.connections.create(tenantId, {
    connectorId: 'mailchimp',
    name: 'Mailchimp: main store',
    settings,
    credentials,
  });
  return created.id;
}
