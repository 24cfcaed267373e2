import { randomUUID } from 'node:crypto';
import { stripVTControlCharacters } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApi, type ApiServer } from '../../src/api/server.ts';
import type { GroupResponseReport } from '../../src/attribution/group-report.ts';
import type { ResponseReport } from '../../src/attribution/response-time.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { rec, seedStores } from '../attribution/support.ts';
import { apiCall } from '../support/api-call.ts';
import { cliEnvOf, cliOk, runCliInProcess } from '../support/cli.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { shutDown } from '../support/shut-down.ts';

// The group's response time (issue 13: "who answered their leads, and how fast?" across stores):
// a row per store and per store x salesperson, each the store's own report, on real Redis through
// the API on loopback and the CLI; and what a viewer's group key reads.

const G = 'bay-group';
const MIN = 60_000;
const STORES = [
  { id: 'bay-ford', name: 'Bay Ford', zone: 'America/Chicago', sla: 15 },
  { id: 'bay-kia', name: 'Bay Kia', zone: 'America/New_York', sla: 10 },
] as const;
const RANGE = 'from=2026-03-01&to=2026-03-31';

/** A store's leads and answers: Ann answers in 4 and 12 min, Bob in 40 min and never, Cal texts. */
function storeRecords(shift: number) {
  const at = (day: number, min: number) =>
    new Date(Date.parse(`2026-03-${String(day).padStart(2, '0')}T15:00:00Z`) + min * MIN);
  const lead = (id: string, c: string, t: Date, assignedTo: string) =>
    rec('lead', id, { createdAt: t.toISOString(), source: 'meta', assignedTo }, c);
  const act = (id: string, c: string, t: Date, user: string, type = 'call') =>
    rec(
      'activity',
      id,
      { type, direction: 'outbound', occurredAt: t.toISOString(), user, customerId: c },
      c,
    );
  return [
    lead('l1', 'c1', at(3, 0), 'Ann'),
    act('a1', 'c1', at(3, 4 + shift), 'Ann'),
    lead('l2', 'c2', at(5, 0), 'Ann'),
    act('a2', 'c2', at(5, 12), 'Ann', 'email'),
    lead('l3', 'c3', at(9, 0), 'Bob'),
    act('a3', 'c3', at(9, 40 + shift), 'Bob'),
    lead('l4', 'c4', at(11, 0), 'Bob'),
    lead('l5', 'c5', at(14, 0), 'Bob'),
    act('a5', 'c5', at(14, 9), 'Cal', 'text'),
  ];
}

let t: TestHub;
let engine: Engine;
let api: ApiServer;
const tokens: Record<string, string> = {};
const call = (key: string, path: string, method = 'GET', body?: unknown) =>
  apiCall(api.port, tokens[key] ?? '', path, method, body);

beforeAll(async () => {
  t = await openTestHub();
  engine = createEngine(t.hub, { queueName: `group-rt-${randomUUID()}` });
  await seedStores(t.hub, STORES, (s, i) => ({
    timezone: s.zone,
    settings: { responseSlaMinutes: s.sla },
    records: storeRecords(i * 3),
  }));
  for (const s of STORES)
    tokens[s.id] = (await t.hub.apiKeys.create(s.id, 'marketing', 'store')).token;
  tokens.storeViewer = (await t.hub.apiKeys.create('bay-ford', 'viewer', 'gm seat')).token;
  await t.hub.groups.create({ id: G, name: 'Bay Auto Group', members: STORES.map((s) => s.id) });
  for (const role of ['marketing', 'viewer'] as const)
    tokens[role] = (await t.hub.apiKeys.createFor({ scope: 'group', id: G }, role, role)).token;
  api = await startApi(t.hub, engine.service, 0);
}, 60_000);
afterAll(() => shutDown(api, engine, t));

describe('group response time', () => {
  it("gives each store's figures and each store's salespeople, exactly as the store's own report", async () => {
    const res = await call('marketing', `/groups/${G}/reports/response-time?${RANGE}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const g = res.body as unknown as GroupResponseReport;
    expect([g.groupId, g.groupName, g.from, g.to]).toEqual([
      G,
      'Bay Auto Group',
      '2026-03-01',
      '2026-03-31',
    ]);
    for (const s of STORES) {
      const own = (await call(s.id, `/tenants/${s.id}/reports/response-time?${RANGE}`))
        .body as unknown as ResponseReport;
      const row = g.stores.find((x) => x.tenantId === s.id)!;
      const { tenantId, name, timeZone, currency: _c, slaMinutes, ...stats } = row;
      expect([tenantId, name, timeZone, slaMinutes]).toEqual([s.id, s.name, s.zone, s.sla]);
      expect(stats).toEqual(own.store);
      const people = g.salespeople.filter((p) => p.tenantId === s.id);
      expect(people.map(({ tenantId: _t, tenantName: _n, ...p }) => p)).toEqual(own.salespeople);
      expect(people.every((p) => p.tenantName === s.name)).toBe(true);
    }
    // By hand: Bay Kia's Ann answered in 7 and 12 minutes, one within its 10-minute SLA.
    const kiaAnn = g.salespeople.find((p) => p.tenantId === 'bay-kia' && p.salesperson === 'Ann');
    expect(kiaAnn).toMatchObject({ leads: 2, medianMs: 9.5 * MIN, withinSla: '1/2' });
    expect(g.salespeople.map((p) => `${p.tenantId}:${p.salesperson}`)).toEqual([
      'bay-ford:Ann',
      'bay-ford:Bob',
      'bay-ford:Cal',
      'bay-kia:Ann',
      'bay-kia:Bob',
      'bay-kia:Cal',
    ]);
    expect(g.stores.find((s) => s.tenantId === 'bay-ford')).toMatchObject({
      leads: 5,
      answered: 4,
      unanswered: 1,
      withinSla: '3/5',
    });
  });

  it('is in the OpenAPI document with its salespeople, and refuses a bad range naming the field', async () => {
    const doc = (await (await fetch(`http://127.0.0.1:${api.port}/openapi.json`)).json()) as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(doc.components.schemas.GroupResponseTimeReport!.properties)).toEqual([
      'groupId',
      'groupName',
      'from',
      'to',
      'stores',
      'salespeople',
    ]);
    const bad = await call('marketing', `/groups/${G}/reports/response-time?from=2026-03-01`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/"to"/);
  });

  it('prints with `report response-time --group` as JSON, CSV and a table', async () => {
    const env = cliEnvOf(t.config);
    const cli = cliOk(env);
    const range = ['--from', '2026-03-01', '--to', '2026-03-31'];
    const json = JSON.parse(await cli('report', 'response-time', '--group', G, ...range, '--json'));
    const viaApi = await call('marketing', `/groups/${G}/reports/response-time?${RANGE}`);
    expect(json).toEqual(viaApi.body);
    const csv = (await cli('report', 'response-time', '--group', G, ...range, '--csv'))
      .trim()
      .split('\n');
    expect(csv[0]).toBe(
      'tenantId,salesperson,leads,answered,medianMs,p90Ms,withinSla,withinSlaShare,unanswered,pending',
    );
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 2).join(':'))).toEqual([
      'bay-ford:(store)',
      'bay-ford:Ann',
      'bay-ford:Bob',
      'bay-ford:Cal',
      'bay-kia:(store)',
      'bay-kia:Ann',
      'bay-kia:Bob',
      'bay-kia:Cal',
    ]);
    // cli-table3 colours its borders.
    const table = stripVTControlCharacters(
      await cli('report', 'response-time', '--group', G, ...range),
    );
    expect(table).toMatch(/bay-kia America\/New_York, SLA 10 min/);
    expect(table).toMatch(/bay-kia\s*│\s*Ann\s*│\s*2\s*│\s*2\s*│\s*9m 30s/);
    const both = await runCliInProcess(
      ['report', 'response-time', '--group', G, '--tenant', 'bay-ford', ...range],
      env,
    );
    expect([both.code, both.err]).toEqual([1, expect.stringMatching(/exactly one of --tenant/)]);
  }, 120_000);
});

describe('a viewer key', () => {
  it("of the group reads the group's and its stores' reports, and nothing else", async () => {
    for (const path of [
      `/groups/${G}/reports/response-time?${RANGE}`,
      `/groups/${G}/reports/attribution?${RANGE}`,
      `/tenants/bay-kia/reports/response-time?${RANGE}`,
      `/tenants/bay-kia/reports/attribution?${RANGE}`,
    ]) {
      const [viewer, marketing] = await Promise.all([
        call('viewer', path),
        call('marketing', path),
      ]);
      expect(viewer.status, path).toBe(200);
      expect(viewer.body).toEqual(marketing.body);
    }
    const refused = [
      ['/tenants/bay-kia/connections', 'GET'],
      ['/tenants/bay-kia/settings', 'PATCH'],
      [`/groups/${G}/members/bay-ford`, 'DELETE'],
      [`/groups/${G}/api-keys`, 'GET'],
    ] as const;
    for (const [path, method] of refused)
      expect((await call('viewer', path, method, method === 'PATCH' ? {} : undefined)).status).toBe(
        403,
      );
  });

  it('of a store reads its reports but changes no setting', async () => {
    const res = await call('storeViewer', `/tenants/bay-ford/reports/response-time?${RANGE}`);
    expect(res.status).toBe(200);
    const patch = await call('storeViewer', '/tenants/bay-ford/settings', 'PATCH', {
      lookbackDays: 30,
    });
    expect(patch.status).toBe(403);
    expect((patch.body.error as { message: string }).message).toMatch(
      /"viewer" role cannot do this \(needs tenant:write\)/,
    );
  });
});

describe('deleting a group while keys are made for it', () => {
  it('leaves no live key of the deleted group, however the calls interleave', async () => {
    // A second hub (its own Redis connection), as the CLI and the API are separate processes.
    const other = await openTestHub({ REDIS_PREFIX: t.config.REDIS_PREFIX });
    try {
      for (let round = 0; round < 25; round++) {
        const id = `doomed-${round}`;
        await t.hub.groups.create({ id, name: 'Doomed', members: ['bay-ford'] });
        const owner = { scope: 'group', id } as const;
        const makers = Array.from({ length: 6 }, async (_, i) => {
          const hub = i % 2 ? other.hub : t.hub;
          for (let k = 0; k < i; k++) await new Promise((r) => setImmediate(r));
          // What `apikey create --group` and POST .../api-keys do: find the group, make the key.
          await hub.groups.get(id);
          return hub.apiKeys.createFor(owner, 'marketing', `k${i}`);
        });
        const [deleted, ...made] = await Promise.allSettled([t.hub.groups.delete(id), ...makers]);
        expect(deleted.status).toBe('fulfilled');
        for (const m of made) {
          if (m.status === 'rejected') {
            expect(String(m.reason)).toMatch(/not found/);
            continue;
          }
          expect(await t.hub.apiKeys.verify(m.value.token), `round ${round}`).toBeNull();
        }
        const keys = await t.hub.apiKeys.listOf(owner);
        expect(keys.filter((k) => !k.revokedAt)).toEqual([]);
      }
    } finally {
      await other.hub.close();
    }
  }, 60_000);
});
