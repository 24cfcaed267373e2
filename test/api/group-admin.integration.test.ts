import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApi, type ApiServer } from '../../src/api/server.ts';
import type { GroupReport } from '../../src/attribution/group-report.ts';
import { groupReportCsv } from '../../src/attribution/report-csv.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { metaLeadL1, saleS1, seedStores, spendRow } from '../attribution/support.ts';
import { cliEnvOf, runCli, runCliInProcess } from '../support/cli.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { apiCall } from '../support/api-call.ts';
import { shutDown } from '../support/shut-down.ts';

// Issue 13 build 5, the admin side of tenant groups on real Redis through the API on loopback:
// group keys made and revoked by a hub key, a group deleted (its keys revoked, its stores left
// alone), and the group report exported to the archive by the CLI.

const G = 'river-group';
const STORES = [
  { id: 'river-ford', name: 'River Ford', currency: 'USD' },
  { id: 'river-kia', name: 'River Kia', currency: 'CAD' },
] as const;
const Q = 'from=2026-03-01&to=2026-03-31&model=linear';

let t: TestHub;
let engine: Engine;
let api: ApiServer;
const tokens: Record<string, string> = {};

const call = (token: string, path: string, method = 'GET', body?: unknown) =>
  apiCall(api.port, token, path, method, body);
const message = (r: { body: Record<string, unknown> }) =>
  (r.body as { error: { message: string } }).error.message;

/** A hub-key call that must answer `status`. */
async function hub(path: string, method = 'GET', body?: unknown, status = 200) {
  const res = await call(tokens.hub!, path, method, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

/** A new key of `groupId`, made by the hub key through the API. */
const newKey = async (groupId: string, role: string, name: string) =>
  (await hub(`/groups/${groupId}/api-keys`, 'POST', { role, name }, 201)) as {
    token: string;
    key: { id: string };
  };

beforeAll(async () => {
  t = await openTestHub();
  engine = createEngine(t.hub, { queueName: `group-admin-${randomUUID()}` });
  await seedStores(
    t.hub,
    STORES,
    (s) => ({
      timezone: 'America/Chicago',
      settings: { currency: s.currency },
      records: [metaLeadL1(), saleS1(), spendRow('sp1', '2026-03-10', 'meta', 'm1', 123_456)],
    }),
    { recompute: true },
  );
  for (const s of STORES)
    tokens[s.id] = (await t.hub.apiKeys.create(s.id, 'admin', 'store admin')).token;
  tokens.hub = (await t.hub.apiKeys.createFor({ scope: 'hub', id: '' }, 'admin', 'ops')).token;
  api = await startApi(t.hub, engine.service, 0);
  await hub(
    '/groups',
    'POST',
    { id: G, name: 'River Auto Group', members: STORES.map((s) => s.id) },
    201,
  );
  await hub('/groups', 'POST', { id: 'other', name: 'Other' }, 201);
}, 60_000);
afterAll(() => shutDown(api, engine, t));

describe('group keys through the API', () => {
  it('a hub key creates a group key that reads the group report, lists and revokes it', async () => {
    const made = (await hub(
      `/groups/${G}/api-keys`,
      'POST',
      { role: 'marketing', name: 'CMO' },
      201,
    )) as {
      token: string;
      key: { id: string; scope: string; groupId: string; role: string; tenantId: string };
    };
    expect(made.key).toMatchObject({ scope: 'group', groupId: G, role: 'marketing', tenantId: '' });
    expect(made.token).toMatch(/^dlk_/);
    const report = await call(made.token, `/groups/${G}/reports/attribution?${Q}`);
    expect(report.status).toBe(200);
    expect((report.body as unknown as GroupReport).stores.map((s) => s.tenantId)).toEqual([
      'river-ford',
      'river-kia',
    ]);
    const listed = (await hub(`/groups/${G}/api-keys`)) as { items: Record<string, unknown>[] };
    expect(listed.items.map((k) => k.id)).toEqual([made.key.id]);
    // The secret is everything after `dlk_<id>_` (base64url: it may hold `_` itself).
    const secret = made.token.slice(`dlk_${made.key.id}_`.length);
    expect(secret.length).toBeGreaterThan(20);
    expect(JSON.stringify(listed)).not.toContain(secret);
    // Another group's path does not reach this key.
    await hub(`/groups/other/api-keys/${made.key.id}`, 'DELETE', undefined, 404);
    const revoked = await hub(`/groups/${G}/api-keys/${made.key.id}`, 'DELETE');
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect((await call(made.token, `/groups/${G}`)).status).toBe(401);
  });

  it('refuses a role a group key cannot have, an unknown group, and keys that are not the hub', async () => {
    const bad = await call(tokens.hub!, `/groups/${G}/api-keys`, 'POST', {
      role: 'admin',
      name: 'x',
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/"role"/);
    await hub('/groups/nope/api-keys', 'POST', { role: 'viewer', name: 'x' }, 404);
    const group = (await t.hub.apiKeys.createFor({ scope: 'group', id: G }, 'marketing', 'g'))
      .token;
    for (const token of [tokens['river-ford']!, group]) {
      const res = await call(token, `/groups/${G}/api-keys`, 'POST', { role: 'viewer', name: 'x' });
      expect(res.status).toBe(403);
    }
    expect(message(await call(group, `/groups/${G}/api-keys`))).toMatch(/needs a hub key/);
  });
});

describe('deleting a group', () => {
  it('revokes its keys, leaves its stores and their keys, and a group of the same id starts clean', async () => {
    await hub('/groups', 'POST', { id: 'doomed', name: 'Doomed', members: ['river-ford'] }, 201);
    const k1 = await newKey('doomed', 'marketing', 'a');
    const k2 = await newKey('doomed', 'viewer', 'b');
    const before = await call(
      tokens['river-ford']!,
      `/tenants/river-ford/reports/attribution?${Q}`,
    );
    expect((await call(k1.token, '/groups/doomed')).status).toBe(200);
    expect(message(await call(k1.token, '/groups/doomed', 'DELETE'))).toMatch(/hub key/);
    const deleted = (await hub('/groups/doomed', 'DELETE')) as {
      group: { id: string; members: string[] };
      revokedKeys: string[];
    };
    expect(deleted.group).toMatchObject({ id: 'doomed', members: ['river-ford'] });
    expect([...deleted.revokedKeys].sort()).toEqual([k1.key.id, k2.key.id].sort());
    for (const k of [k1, k2]) expect((await call(k.token, '/groups/doomed')).status).toBe(401);
    await hub('/groups/doomed', 'GET', undefined, 404);
    await hub('/groups/doomed', 'DELETE', undefined, 404);
    expect(((await hub('/groups')) as { items: { id: string }[] }).items.map((g) => g.id)).toEqual([
      'other',
      G,
    ]);
    // The member store, its key, its data and its other group are untouched.
    expect(await t.hub.tenants.find('river-ford')).not.toBeNull();
    const after = await call(tokens['river-ford']!, `/tenants/river-ford/reports/attribution?${Q}`);
    expect(after).toEqual(before);
    expect(((await hub(`/groups/${G}`)) as { members: string[] }).members).toContain('river-ford');
    // Made again under the same id, the group has no members and its old keys stay revoked.
    await hub('/groups', 'POST', { id: 'doomed', name: 'Again' }, 201);
    expect(((await hub('/groups/doomed')) as { members: string[] }).members).toEqual([]);
    expect((await call(k1.token, '/groups/doomed')).status).toBe(401);
  });

  it('the OpenAPI document lists the routes', async () => {
    const doc = (await (await fetch(`http://127.0.0.1:${api.port}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/v1/groups/{groupId}']!).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(doc.paths['/v1/groups/{groupId}/api-keys']!).sort()).toEqual([
      'get',
      'post',
    ]);
    expect(Object.keys(doc.paths['/v1/groups/{groupId}/api-keys/{keyId}']!)).toEqual(['delete']);
  });
});

describe('dealerloop apikey login-link for a group key', () => {
  it('signs a group key in to the group report once; other owners and hub keys are refused', async () => {
    const env = { REDIS_PREFIX: t.config.REDIS_PREFIX, DATA_DIR: t.config.DATA_DIR };
    const base = `http://127.0.0.1:${api.port}`;
    const k = await newKey(G, 'marketing', 'link');
    const made = await runCliInProcess(
      ['apikey', 'login-link', k.key.id, '--group', G, '--url', base, '--json'],
      env,
    );
    expect(made.code, made.err).toBe(0);
    const { url } = JSON.parse(made.out) as { url: string };
    expect(url).toMatch(new RegExp(`^${base}/ui/login/[A-Za-z0-9_-]{43}$`));
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/ui/group');
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(`${base}/ui/group`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('River Auto Group');
    // Used once: the second visit goes to the sign-in form.
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('/ui/signin?link=expired');

    const wrong = await runCliInProcess(
      ['apikey', 'login-link', k.key.id, '--group', 'other'],
      env,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain(`no live API key ${k.key.id} in group other`);
    const asTenant = await runCliInProcess(
      ['apikey', 'login-link', k.key.id, '--tenant', 'river-ford'],
      env,
    );
    expect(asTenant.err).toContain(`no live API key ${k.key.id} in tenant river-ford`);
    const hubLink = await runCliInProcess(['apikey', 'login-link', k.key.id, '--hub'], env);
    expect(hubLink.code).toBe(1);
    expect(hubLink.err).toContain('hub keys cannot sign in to the dashboard');
  }, 60_000);
});

describe('dealerloop group delete and report attribution --group --export', () => {
  it('exports the group CSV under _groups/<group>/ and deletes a group from the CLI', async () => {
    const env = cliEnvOf(t.config);
    // The first child process writes the local master key and says so on its log: delete first.
    await hub('/groups', 'POST', { id: 'cli-del', name: 'CLI', members: ['river-kia'] }, 201);
    const k = await newKey('cli-del', 'marketing', 'a');
    const del = await runCli(['group', 'delete', 'cli-del'], env);
    expect(del.code, del.err).toBe(0);
    expect(del.out).toMatch(/deleted group cli-del \(CLI\): river-kia; the stores stay/);
    expect(del.out).toContain(`revoked 1 group key(s): ${k.key.id}`);
    expect((await call(k.token, '/groups/cli-del')).status).toBe(401);
    expect(await t.hub.tenants.find('river-kia')).not.toBeNull();

    const range = ['--from', '2026-03-01', '--to', '2026-03-31', '--model', 'linear'];
    const exp = await runCli(
      ['report', 'attribution', '--group', G, ...range, '--export', '--json'],
      env,
    );
    expect(exp.code, exp.err).toBe(0);
    const key = `_groups/${G}/reports/attribution/2026-03-01_2026-03-31_linear.csv`;
    expect(exp.err).toContain(`exported to ${key}`);
    const viaApi = await hub(`/groups/${G}/reports/attribution?${Q}`);
    expect(JSON.parse(exp.out)).toEqual(viaApi);
    const csv = readFileSync(join(t.config.ARCHIVE_URL, key), 'utf8');
    expect(csv).toBe(groupReportCsv(viaApi as unknown as GroupReport) + '\n');
    expect(csv.split('\n').filter((l) => l.startsWith('(group),'))).toHaveLength(2); // CAD, USD
    expect(await t.hub.archive.readDocument(key)).toBe(csv);
  }, 120_000);
});
