import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { adfSecretUrlMigration } from '../../src/migrations/006-adf-secret-url.ts';
import { migrateHub } from '../../src/migrations/index.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

// ADF connections made before the sealed `leadIntakeUrl` credential existed kept their secret
// intake URL (auth none: a token in the path) in the plain settings, shown by connection reads.

const SECRET = 'k7QvX2mJ9pLr4tWz8yNc';
const URL_WITH_SECRET = `https://crm.example.com/adf/${SECRET}`;
const vendor = { name: 'Acme Honda of Austin', email: 'leads@acmehonda.example' };
const WEBHOOK_TOKEN = 'whk_0123456789abcdef';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t?.cleanup());

/** A tenant whose migration 006 is pending, as for a hub in service before it shipped. */
async function oldTenant(id: string): Promise<void> {
  await t.hub.tenants.create({ id, name: id });
  await t.hub.redis.hdel(t.hub.keys.migrations(id), adfSecretUrlMigration.id);
}

function adf(settings: Record<string, unknown>, credentials: Record<string, string> = {}) {
  return { connectorId: 'adf-crm', name: 'CRM', settings: { vendor, ...settings }, credentials };
}

describe('006-adf-secret-url', () => {
  it('moves the secret URL into the sealed credentials, keeps the rest, and is applied once', async () => {
    await oldTenant('a1');
    const c = t.hub.connections;
    const old = await c.create(
      'a1',
      adf(
        { auth: { type: 'none' }, leadIntakeUrl: URL_WITH_SECRET },
        { webhookToken: WEBHOOK_TOKEN },
      ),
    );
    await c.setStatus('a1', old.id, 'broken', 'CRM answered 503');
    const basic = await c.create(
      'a1',
      adf(
        { auth: { type: 'basic' }, leadIntakeUrl: 'https://crm.example.com/adf' },
        { username: 'hub', password: 'pw-0123456789' },
      ),
    );
    const other = await c.create('a1', {
      connectorId: 'http-json',
      name: 'Web',
      settings: { auth: { type: 'none' }, leadIntakeUrl: URL_WITH_SECRET },
    });

    const done = await migrateHub(t.hub, { tenantId: 'a1' });
    expect(done).toEqual([{ tenantId: 'a1', applied: [{ id: '006-adf-secret-url', changed: 1 }] }]);

    const read = await c.get('a1', old.id);
    expect(read.settings).toEqual({ vendor, auth: { type: 'none' } });
    expect(read.credentialFields).toEqual(['leadIntakeUrl', 'webhookToken']);
    expect(read.status).toBe('broken'); // its health is not the migration's to change
    expect(await c.credentials('a1', old.id)).toEqual({
      webhookToken: WEBHOOK_TOKEN,
      leadIntakeUrl: URL_WITH_SECRET,
    });
    const stored = await t.hub.redis.hgetall(t.hub.keys.connection('a1', old.id));
    expect(JSON.stringify([stored, read])).not.toContain(SECRET);
    expect(JSON.stringify(await c.get('a1', other.id))).toContain(SECRET); // not an ADF intake
    expect((await c.get('a1', basic.id)).settings.leadIntakeUrl).toBe(
      'https://crm.example.com/adf',
    );
    expect(t.logText()).not.toContain(SECRET);

    expect(await migrateHub(t.hub, { tenantId: 'a1' })).toEqual([]);
    const ctx = { redis: t.hub.redis, keys: t.hub.keys, tenantId: 'a1', log: t.hub.log };
    expect(await adfSecretUrlMigration.run({ ...ctx, connections: c })).toEqual({ changed: 0 });
    expect(await c.credentials('a1', old.id)).toEqual({
      webhookToken: WEBHOOK_TOKEN,
      leadIntakeUrl: URL_WITH_SECRET,
    });
  });

  it('a credential already set is the URL in use: it stays, and the setting is dropped', async () => {
    await oldTenant('a2');
    const inUse = 'https://crm.example.com/adf/the-one-in-use-0123456789';
    const conn = await t.hub.connections.create(
      'a2',
      adf({ auth: { type: 'none' }, leadIntakeUrl: URL_WITH_SECRET }, { leadIntakeUrl: inUse }),
    );
    await migrateHub(t.hub, { tenantId: 'a2' });
    expect((await t.hub.connections.get('a2', conn.id)).settings).not.toHaveProperty(
      'leadIntakeUrl',
    );
    expect(await t.hub.connections.credentials('a2', conn.id)).toEqual({ leadIntakeUrl: inUse });
  });

  it('two processes moving the same connection at once: one moves it, the other finds nothing', async () => {
    await oldTenant('a3');
    const conn = await t.hub.connections.create(
      'a3',
      adf(
        { auth: { type: 'none' }, leadIntakeUrl: URL_WITH_SECRET },
        { webhookToken: WEBHOOK_TOKEN },
      ),
    );
    const moves = await Promise.all(
      [1, 2, 3].map(() => t.hub.connections.sealSettings('a3', conn.id, ['leadIntakeUrl'])),
    );
    expect(moves.filter((m) => m.length > 0)).toEqual([['leadIntakeUrl']]);
    expect(await t.hub.connections.credentials('a3', conn.id)).toEqual({
      webhookToken: WEBHOOK_TOKEN,
      leadIntakeUrl: URL_WITH_SECRET,
    });
  });

  it('without the connection store it refuses to run rather than skip', async () => {
    const ctx = { redis: t.hub.redis, keys: t.hub.keys, tenantId: 'a1', log: t.hub.log };
    await expect(adfSecretUrlMigration.run(ctx)).rejects.toThrow('needs the connection store');
  });
});
