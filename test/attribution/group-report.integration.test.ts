import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApi, type ApiServer } from '../../src/api/server.ts';
import type { GroupReport, StoreRow } from '../../src/attribution/group-report.ts';
import type { Report, ReportRow } from '../../src/attribution/report.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { cliEnvOf, cliOk, runCli } from '../support/cli.ts';
import { rec, seedStores, spendRow } from './support.ts';
import { apiCall } from '../support/api-call.ts';
import { shutDown } from '../support/shut-down.ts';

// Issue 13 build 5: a tenant group's attribution report, on real Redis through the API on
// loopback. Three stores in two currencies and three zones, records written as the other report
// tests write them, attribution recomputed per store; the group report must repeat each store's
// own report exactly and total per currency.

const STORES = [
  { id: 'north', name: 'North Ford', timeZone: 'America/Chicago', currency: 'USD' },
  { id: 'west', name: 'West Toyota', timeZone: 'America/Los_Angeles', currency: 'USD' },
  { id: 'border', name: 'Border Honda', timeZone: 'America/Toronto', currency: 'CAD' },
] as const;
const G = 'lone-star';
const CAMPAIGNS = [
  ['meta', 'm1'],
  ['meta', 'm2'],
  ['google', 'g1'],
  ['email', 'e1'],
] as const;

/** A small deterministic generator (mulberry32), so every run writes the same world. */
function random(seed: number) {
  let a = seed;
  return (n: number) => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const day = (d: number) => `2026-03-${String(d).padStart(2, '0')}`;

/** One store's records: leads and clicks of 14 customers, 9 of them buyers, a walk-in, spend. */
function storeRecords(store: string, seed: number): StoredRecord[] {
  const r = random(seed);
  const out: StoredRecord[] = [];
  for (let c = 0; c < 14; c++) {
    const customer = `${store}-c${c}`;
    const first = 2 + r(16);
    for (let i = 0; i < 1 + r(3); i++) {
      const [channel, campaignId] = CAMPAIGNS[r(CAMPAIGNS.length)]!;
      const at = `${day(first + i * 2)}T${String(13 + r(8)).padStart(2, '0')}:15:00Z`;
      out.push(
        i === 0
          ? rec('lead', `l-${c}`, { createdAt: at, source: channel, campaignId }, customer)
          : rec(
              'touchpoint',
              `p-${c}-${i}`,
              { type: 'ad_click', occurredAt: at, channel, campaignId },
              customer,
            ),
      );
    }
    if (c < 9)
      out.push(
        rec(
          'sale',
          `s-${c}`,
          {
            dealNumber: `${store}-D${c}`,
            saleDate: day(first + 6 + r(5)),
            newUsed: 'used',
            price: 1_800_001 + r(900_000),
            totalGross: 100_001 + r(300_000),
          },
          customer,
        ),
      );
  }
  out.push(
    rec('sale', 's-walkin', {
      dealNumber: `${store}-W`,
      saleDate: day(15),
      newUsed: 'new',
      price: 3_333_333,
      totalGross: 222_223,
    }),
    // 05:30Z on March 1st: March 1st in Toronto, still February 28th in Chicago and Los Angeles.
    rec('lead', 'l-probe', {
      createdAt: '2026-03-01T05:30:00Z',
      source: 'website',
      campaignId: 'probe',
    }),
  );
  for (const [channel, campaignId] of CAMPAIGNS)
    for (const d of [3, 9, 16, 24])
      out.push(spendRow(`sp-${campaignId}-${d}`, day(d), channel, campaignId, 10_001 + r(50_000)));
  return out;
}

let t: TestHub;
let engine: Engine;
let api: ApiServer;
const tokens: Record<string, string> = {};

/** A call on the API over loopback with the named key's token (no key: none). */
const call = (key: string, path: string, method = 'GET', body?: unknown) =>
  apiCall(api.port, key ? tokens[key]! : '', path, method, body);

async function groupReport(q: string, key = 'group'): Promise<GroupReport> {
  const res = await call(key, `/groups/${G}/reports/attribution?${q}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as GroupReport;
}

/** A store's own report, read with the store's own key. */
async function tenantReport(tenantId: string, q: string): Promise<Report> {
  const res = await call(tenantId, `/tenants/${tenantId}/reports/attribution?${q}`);
  expect(res.status).toBe(200);
  return res.body as unknown as Report;
}

/** A store row without the store's fields: the tenant report's row it repeats. */
const strip = ({ tenantId: _t, tenantName: _n, currency: _c, ...row }: StoreRow): ReportRow => row;

/** "1234.56" → cents, by the test's own reading. */
const cents = (s: string) => {
  const [w, f = ''] = s.split('.');
  return BigInt(w!) * 100n + BigInt(f.padEnd(2, '0'));
};

/** Exact sum of `n/d` strings as [numerator, denominator], reduced. */
function sumFractions(xs: readonly string[]): string {
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
  let [n, d] = [0n, 1n];
  for (const x of xs) {
    const [xn, xd = '1'] = x.split('/');
    [n, d] = [n * BigInt(xd) + BigInt(xn!) * d, d * BigInt(xd)];
    const g = gcd(n, d) || 1n;
    [n, d] = [n / g, d / g];
  }
  return d === 1n ? String(n) : `${n}/${d}`;
}

beforeAll(async () => {
  t = await openTestHub();
  engine = createEngine(t.hub, { queueName: `group-${randomUUID()}` });
  await seedStores(
    t.hub,
    STORES,
    (s, i) => ({
      timezone: s.timeZone,
      settings: { currency: s.currency },
      records: storeRecords(s.id, 1000 + i),
    }),
    { recompute: true },
  );
  for (const s of STORES)
    tokens[s.id] = (await t.hub.apiKeys.create(s.id, 'marketing', 'store')).token;
  await t.hub.tenants.create({ id: 'outsider', name: 'Not In The Group' });
  const key = (scope: 'group' | 'hub', id: string, role: 'admin' | 'marketing' | 'viewer') =>
    t.hub.apiKeys.createFor({ scope, id }, role, 'test').then((k) => k.token);
  tokens.hub = await key('hub', '', 'admin');
  api = await startApi(t.hub, engine.service, 0);
  const created = await call('hub', '/groups', 'POST', {
    id: G,
    name: 'Lone Star Auto Group',
    members: STORES.map((s) => s.id),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await call('hub', '/groups', 'POST', { id: 'other', name: 'Other' })).status).toBe(201);
  tokens.group = await key('group', G, 'marketing');
  tokens.groupViewer = await key('group', G, 'viewer');
  tokens.otherGroup = await key('group', 'other', 'marketing');
}, 60_000);
afterAll(() => shutDown(api, engine, t));

const QUERIES = [
  'from=2026-03-01&to=2026-03-31&model=last_touch&groupBy=campaign',
  'from=2026-03-01&to=2026-03-31&model=linear&groupBy=campaign',
  'from=2026-03-10&to=2026-03-20&model=time_decay&groupBy=channel',
  'from=2026-03-01&to=2026-03-31&model=position_based&groupBy=channel',
  'from=2026-03-05&to=2026-03-25&model=first_touch&groupBy=campaign',
];

describe('tenant group attribution report', () => {
  it("repeats each store's own report exactly: its rows, unattributed row and subtotal", async () => {
    for (const q of QUERIES) {
      const g = await groupReport(q);
      expect(g.stores.map((s) => [s.tenantId, s.timeZone, s.currency])).toEqual(
        [...STORES]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map((s) => [s.id, s.timeZone, s.currency]),
      );
      for (const s of STORES) {
        const own = await tenantReport(s.id, q);
        const mine = (rows: StoreRow[]) => rows.filter((r) => r.tenantId === s.id);
        expect(own.rows.length, q).toBeGreaterThan(0);
        expect(mine(g.rows).map(strip), `${s.id} ${q}`).toEqual(own.rows);
        expect(mine(g.unattributed).map(strip)).toEqual([own.unattributed]);
        expect(mine(g.subtotals).map(strip)).toEqual([own.totals]);
        expect(
          mine(g.rows).every((r) => r.tenantName === s.name && r.currency === s.currency),
        ).toBe(true);
        // The group key reads the member's own report too, and gets the same answer.
        const viaGroup = await call('group', `/tenants/${s.id}/reports/attribution?${q}`);
        expect(viaGroup.body).toEqual(own);
      }
    }
  });

  it('totals per currency equal the sums of the rows (USD: north + west; CAD: border)', async () => {
    for (const q of QUERIES) {
      const g = await groupReport(q);
      expect(g.totals.map((x) => [x.currency, x.stores])).toEqual([
        ['CAD', ['border']],
        ['USD', ['north', 'west']],
      ]);
      for (const total of g.totals) {
        const rows = [...g.rows, ...g.unattributed].filter((r) => r.currency === total.currency);
        const sum = (f: (r: ReportRow) => bigint) => rows.reduce((a, r) => a + f(r), 0n);
        expect(cents(total.spend)).toBe(sum((r) => cents(r.spend)));
        expect(cents(total.gross)).toBe(sum((r) => cents(r.gross)));
        expect(cents(total.revenue)).toBe(sum((r) => cents(r.revenue)));
        expect(total.leads).toBe(rows.reduce((a, r) => a + r.leads, 0));
        expect(total.soldExact).toBe(sumFractions(rows.map((r) => r.soldExact)));
        // The ratios come from the sums: cost per sale = spend / sold, to the cent.
        const [n, d = '1'] = total.soldExact.split('/');
        const perSale = (cents(total.spend) * BigInt(d) * 2n + BigInt(n!)) / (2n * BigInt(n!));
        expect(cents(total.costPerSale!)).toBe(perSale);
      }
    }
  });

  it("counts each store's leads on its own dates (a lead at 05:30Z on March 1st)", async () => {
    const g = await groupReport('from=2026-03-01&to=2026-03-01&groupBy=campaign');
    const probe = g.rows.filter((r) => r.campaignId === 'probe').map((r) => [r.tenantId, r.leads]);
    expect(probe).toEqual([['border', 1]]); // Toronto: March 1st; Chicago and LA: February 28th.
    const feb = await groupReport('from=2026-02-28&to=2026-02-28&groupBy=campaign');
    expect(feb.rows.filter((r) => r.campaignId === 'probe').map((r) => r.tenantId)).toEqual([
      'north',
      'west',
    ]);
  });

  it('refuses what a key may not read, with 403 and the reason', async () => {
    const q = `reports/attribution?from=2026-03-01&to=2026-03-31`;
    const refused = async (key: string, path: string, method = 'GET', body?: unknown) => {
      const res = await call(key, path, method, body);
      expect(res.status, `${key} ${method} ${path}`).toBe(403);
      return (res.body as { error: { message: string } }).error.message;
    };
    expect(await refused('north', `/groups/${G}/${q}`)).toMatch(
      /scoped to tenant "north"; group reports need a key of the group/,
    );
    expect(await refused('otherGroup', `/groups/${G}/${q}`)).toMatch(
      /scoped to group "other", not group "lone-star"/,
    );
    expect(await refused('group', `/tenants/outsider/${q}`)).toMatch(
      /"outsider" is not a member of group "lone-star"/,
    );
    expect(await refused('group', '/tenants/north/connections')).toMatch(/read reports only/);
    expect(
      await refused('group', '/tenants/north/settings', 'PATCH', { lookbackDays: 30 }),
    ).toMatch(/read-only/);
    // A viewer's group key reads the reports (test/api/group-response-time...), and changes nothing.
    expect(await refused('groupViewer', `/groups/${G}/members/outsider`, 'PUT')).toMatch(/hub key/);
    expect(await refused('group', `/groups/${G}/members/outsider`, 'PUT')).toMatch(/hub key/);
    expect(await refused('north', '/groups', 'POST', { id: 'mine', name: 'Mine' })).toMatch(
      /hub key/,
    );
    expect(await refused('north', '/groups')).toMatch(/Tenant keys see no groups/);
    expect(await refused('hub', `/tenants/north/${q}`)).toMatch(/hub key manages tenant groups/);
    // A store key still cannot see another member: as if it did not exist (tenant ids are not probed).
    expect((await call('north', `/tenants/west/${q}`)).status).toBe(404);
    expect((await call('', `/groups/${G}/${q}`)).status).toBe(401);
    expect((await call('group', '/groups')).body).toMatchObject({ items: [{ id: G }] });
  });

  it('a store removed from the group leaves its report and its group key at once', async () => {
    const q = 'from=2026-03-01&to=2026-03-31&model=linear&groupBy=campaign';
    const removed = await call('hub', `/groups/${G}/members/west`, 'DELETE');
    expect(removed.status).toBe(200);
    expect(removed.body.members).toEqual(['border', 'north']);
    const g = await groupReport(q);
    expect(g.stores.map((s) => s.tenantId)).toEqual(['border', 'north']);
    expect([...g.rows, ...g.unattributed, ...g.subtotals].some((r) => r.tenantId === 'west')).toBe(
      false,
    );
    const usd = g.totals.find((x) => x.currency === 'USD')!;
    const north = await tenantReport('north', q);
    expect({ ...usd, currency: undefined, stores: undefined }).toEqual({
      ...north.totals,
      currency: undefined,
      stores: undefined,
    });
    expect((await call('group', `/tenants/west/reports/attribution?${q}`)).status).toBe(403);
    expect((await call('hub', `/groups/${G}/members/west`, 'PUT')).status).toBe(200);
    expect((await groupReport(q)).stores.map((s) => s.tenantId)).toEqual([
      'border',
      'north',
      'west',
    ]);
  });

  it('gives response time per store, and refuses a bad query naming the field', async () => {
    const res = await call(
      'group',
      `/groups/${G}/reports/response-time?from=2026-03-01&to=2026-03-31`,
    );
    expect(res.status).toBe(200);
    const stores = (res.body as { stores: { tenantId: string; leads: number }[] }).stores;
    for (const s of stores) {
      const own = await call(
        s.tenantId,
        `/tenants/${s.tenantId}/reports/response-time?from=2026-03-01&to=2026-03-31`,
      );
      expect(s).toMatchObject((own.body as { store: object }).store);
    }
    const bad = await call('group', `/groups/${G}/reports/attribution?from=2026-03-01&to=03/31`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/"to"/);
    expect(
      (await call('hub', '/groups/nope/reports/attribution?from=2026-03-01&to=2026-03-02')).status,
    ).toBe(404);
  });
});

describe('group and hub keys elsewhere', () => {
  it('an empty group reports no stores and no totals; the OpenAPI document lists the group routes', async () => {
    const res = await call(
      'otherGroup',
      '/groups/other/reports/attribution?from=2026-03-01&to=2026-03-31',
    );
    expect(res.status).toBe(200);
    const g = res.body as unknown as GroupReport;
    expect([g.groupId, g.stores, g.rows, g.subtotals, g.totals]).toEqual(['other', [], [], [], []]);
    const doc = (await (await fetch(`http://127.0.0.1:${api.port}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/v1/groups'))).toEqual([
      '/v1/groups',
      '/v1/groups/{groupId}',
      '/v1/groups/{groupId}/members/{tenantId}',
      '/v1/groups/{groupId}/reports/attribution',
      '/v1/groups/{groupId}/reports/response-time',
      '/v1/groups/{groupId}/api-keys',
      '/v1/groups/{groupId}/api-keys/{keyId}',
    ]);
  });

  it('a revoked group key is refused (401); a group key signs in to the group dashboard', async () => {
    const { token, key } = await t.hub.apiKeys.createFor(
      { scope: 'group', id: G },
      'marketing',
      'x',
    );
    tokens.revoked = token;
    expect((await call('revoked', `/groups/${G}`)).status).toBe(200);
    // The request's log line names the key's group (a group key has no tenant).
    const line = t.logs.find((l) => l.msg === 'request' && l.path === `/v1/groups/${G}`);
    expect([line?.groupId, line?.tenantId]).toEqual([G, undefined]);
    await t.hub.apiKeys.revokeFor({ scope: 'group', id: G }, key.id);
    expect((await call('revoked', `/groups/${G}`)).status).toBe(401);
    const form = await fetch(`http://127.0.0.1:${api.port}/ui/signin`);
    const csrf = /dl_signin=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
    const res = await fetch(`http://127.0.0.1:${api.port}/ui/signin`, {
      method: 'POST',
      headers: { cookie: `dl_signin=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, apiKey: tokens.group!, next: '/ui' }).toString(),
      redirect: 'manual',
    });
    // A group key signs in to the dashboard's group report (test/ui/group.browser...).
    expect([res.status, res.headers.get('location')]).toEqual([303, '/ui/group']);
  });
});

describe('dealerloop group and report attribution --group', () => {
  it('manages a group and prints its report as JSON, CSV and a table', async () => {
    const env = cliEnvOf(t.config);
    // In this process (the same program, output captured), but for the CSV report, which runs the
    // real binary as a child: a child process costs seconds of start-up on a loaded machine.
    const cli = cliOk(env);
    const child = async (...args: string[]) => {
      const r = await runCli(args, env);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      return r.out;
    };
    await cli(
      'group',
      'create',
      'cli-g',
      '--name',
      'CLI Group',
      '--tenant',
      'north',
      'west',
      'border',
    );
    const shown = JSON.parse(await cli('group', 'remove', 'cli-g', 'west', '--json')) as {
      members: string[];
    };
    expect(shown.members).toEqual(['border', 'north']);
    const range = ['--from', '2026-03-01', '--to', '2026-03-31', '--model', 'linear'];
    const json = JSON.parse(
      await cli('report', 'attribution', '--group', 'cli-g', ...range, '--json'),
    );
    const viaApi = await call(
      'hub',
      `/groups/cli-g/reports/attribution?from=2026-03-01&to=2026-03-31&model=linear`,
    );
    expect(json).toEqual(viaApi.body);
    const g = json as GroupReport;
    const csv = (await child('report', 'attribution', '--group', 'cli-g', ...range, '--csv'))
      .trim()
      .split('\n');
    expect(csv[0]).toBe(
      'tenantId,currency,channel,campaignId,spend,leads,sold,gross,revenue,costPerLead,costPerSale,roas',
    );
    expect(csv.length).toBe(1 + g.rows.length + 2 * g.stores.length + g.totals.length);
    expect(csv.at(-1)).toBe(
      `(group),USD,total,,${g.totals[1]!.spend},${g.totals[1]!.leads},${g.totals[1]!.sold},${g.totals[1]!.gross},${g.totals[1]!.revenue},${g.totals[1]!.costPerLead},${g.totals[1]!.costPerSale},${g.totals[1]!.roas}`,
    );
    const table = await cli('report', 'attribution', '--group', 'cli-g', ...range);
    expect(table).toMatch(/border America\/Toronto, north America\/Chicago/);
    expect(table).toMatch(/\(group\).*CAD.*total/);
  }, 300_000);
});
