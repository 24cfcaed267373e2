import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
  await t.hub.tenants.create({ id: 'store-a', name: 'Acme Ford' });
});
afterAll(async () => t?.cleanup());

/** Every value stored under the test prefix, whatever its type. */
async function dumpPrefix(): Promise<string> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await t.hub.redis.scan(
      cursor,
      'MATCH',
      `${t.config.REDIS_PREFIX}:*`,
      'COUNT',
      500,
    );
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const out: string[] = [];
  for (const key of keys) {
    const type = await t.hub.redis.type(key);
    if (type === 'hash') out.push(JSON.stringify(await t.hub.redis.hgetall(key)));
    else if (type === 'set') out.push(JSON.stringify(await t.hub.redis.smembers(key)));
    else if (type === 'string') out.push((await t.hub.redis.get(key)) ?? '');
    else out.push(`${key}:${type}`);
  }
  return keys.join('\n') + '\n' + out.join('\n');
}

describe('connection credentials at rest', () => {
  it('are never stored in plaintext, and come back intact', async () => {
    const secrets = {
      accessToken: 'EAAGm0PX4ZCpsBA-plaintext-marker',
      appSecret: 'f00dfacecafe-marker',
    };
    const c = await t.hub.connections.create('store-a', {
      connectorId: 'meta',
      name: 'Meta',
      credentials: secrets,
    });
    await t.hub.connections.update('store-a', c.id, {
      credentials: { ...secrets, accessToken: 'rotated-token-marker' },
    });
    const dump = await dumpPrefix();
    expect(dump).toContain(c.id);
    for (const marker of ['plaintext-marker', 'f00dfacecafe', 'rotated-token-marker'])
      expect(dump).not.toContain(marker);
    expect(await t.hub.connections.credentials('store-a', c.id)).toEqual({
      accessToken: 'rotated-token-marker',
      appSecret: 'f00dfacecafe-marker',
    });
  });

  it('keeps every key of a tenant inside its hash tag', async () => {
    const dump = await dumpPrefix();
    const tenantKeys = dump.split('\n').filter((l) => l.startsWith(`${t.config.REDIS_PREFIX}:{`));
    expect(tenantKeys.length).toBeGreaterThan(0);
    for (const k of tenantKeys) expect(k).toMatch(/^[^:]+:\{store-a\}:/);
  });

  it('marks a connection broken and new credentials make it active again', async () => {
    const c = await t.hub.connections.create('store-a', {
      connectorId: 'hubspot',
      name: 'HS',
      credentials: { t: 'x' },
    });
    await t.hub.connections.setStatus(
      'store-a',
      c.id,
      'broken',
      'HubSpot answered 401: token expired',
    );
    expect(await t.hub.connections.get('store-a', c.id)).toMatchObject({
      status: 'broken',
      statusReason: /401/,
    });
    const fixed = await t.hub.connections.update('store-a', c.id, { credentials: { t: 'y' } });
    expect(fixed).toMatchObject({ status: 'active', statusReason: null });
  });
});
