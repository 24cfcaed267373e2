import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import adf from '../../../connectors/adf-crm/index.ts';
import type { SinkItem } from '../../../src/sdk/connector.ts';
import { validateConnectionInput } from '../../../src/sync/connection-runtime.ts';
import { openTestHub, type TestHub } from '../../support/hub.ts';
import { metaLead } from '../meta/hub-lead.ts';
import { contextOf, shippedMapping, useNock } from '../meta/support.ts';

// An ADF intake without authentication is a secret URL: its path is the password. It was a
// setting, stored and shown as it is (connection reads, `connection list`). It now goes in the
// sealed credentials, which no read shows and the redaction knows.

const SECRET = 'k7QvX2mJ9pLr4tWz8yNc';
const CRM = 'https://crm.example.com';
const URL_WITH_SECRET = `${CRM}/adf/${SECRET}`;
const vendor = { name: 'Acme Honda of Austin', email: 'leads@acmehonda.example' };
const sink = adf.sinks!.leads!;

useNock({ allPending: true });
let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
  await t.hub.tenants.create({ id: 'store-a', name: 'Acme Honda' });
});
afterAll(() => t?.cleanup());

async function oneLead(): Promise<SinkItem[]> {
  const m = await shippedMapping('adf-lead');
  const record = m.out({ ...metaLead, id: 'lead_1' }).value!;
  return [{ canonicalId: 'lead_1', destinationId: null, idempotencyKey: 'key-1', record }];
}

describe('ADF intake whose URL is the secret', () => {
  it('is a sealed credential: the connection read names the field only, and leads go to it', async () => {
    const input = {
      connectorId: 'adf-crm',
      name: 'CRM',
      settings: { auth: { type: 'none' }, vendor },
      credentials: { leadIntakeUrl: URL_WITH_SECRET },
    };
    validateConnectionInput(adf, input.settings, input.credentials);
    const created = await t.hub.connections.create('store-a', input);
    const read = await t.hub.connections.get('store-a', created.id);
    const shown = JSON.stringify([created, read, await t.hub.connections.list('store-a')]);
    expect(shown).not.toContain(SECRET);
    expect(read.credentialFields).toEqual(['leadIntakeUrl']);
    const stored = await t.hub.redis.hgetall(t.hub.keys.connection('store-a', created.id));
    expect(JSON.stringify(stored)).not.toContain(SECRET); // sealed at rest too

    nock(CRM).post(`/adf/${SECRET}`).reply(200, '<result>OK</result>');
    const ctx = contextOf(adf, input.settings as never, input.credentials);
    expect(await sink.write(ctx, await oneLead())).toEqual([{ ok: true, destinationId: 'lead_1' }]);
  });

  it('a failed delivery to it names neither the URL nor its secret', async () => {
    nock(CRM).post(`/adf/${SECRET}`).times(1).reply(503, `no intake at /adf/${SECRET}`);
    const ctx = contextOf(adf, { auth: { type: 'none' }, vendor } as never, {
      leadIntakeUrl: URL_WITH_SECRET,
    });
    const err = (await sink.write(ctx, await oneLead()).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(SECRET);
  });

  it('no intake URL in the settings nor the credentials: each call fails as an auth error saying where to put it', async () => {
    const ctx = contextOf(adf, { auth: { type: 'none' }, vendor } as never, {});
    const err = (await sink.write(ctx, await oneLead()).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /No lead-intake URL: set settings.leadIntakeUrl, or the leadIntakeUrl credential/,
    );
  });
});
