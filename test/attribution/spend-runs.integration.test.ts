import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import meta from '../../connectors/meta/index.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { insightRow, MetaSandbox } from '../../src/sandbox/meta.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { accountToday, addDays } from '../../src/sdk/spend-window.ts';
import { DEFAULT_MAPPINGS_DIR, DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { shutDown } from '../support/shut-down.ts';

// The README's first sync: a Meta connection to the service ad account, a meta-spend sync, run
// through the real connector, mapping and engine against the sandbox Graph API on loopback.
const TOKEN = 'EAAdemo0000SpendRunsToken';
const SERVICE_ACCOUNT = '700000000000456';
const CAMPAIGN = '120210000000201';
const ZONE = 'America/Chicago';
const today = accountToday(ZONE, Date.now(), 'test');
const days = Array.from({ length: 30 }, (_, i) => addDays(today, i - 29));

let h: EngineHarness;
let sandbox: MetaSandbox;
let records: RecordStore;

const insight = (date: string, cents: number) =>
  insightRow({ id: CAMPAIGN, name: 'Meta, Service Specials' }, date, cents);
/** The service account's rows as Graph has them now (a test restates some). */
const graphRows = () => sandbox.otherAccounts.get(SERVICE_ACCOUNT)!;

async function metaSpendSync(name: string): Promise<string> {
  const c = await h.hub.connections.create(h.tenantId, {
    connectorId: 'meta',
    name,
    settings: { graphHost: sandbox.url, adAccountId: SERVICE_ACCOUNT, spendLookbackDays: 30 },
    credentials: { accessToken: TOKEN },
  });
  return (await h.addSync({ connectionId: c.id, mapping: 'meta-spend', mode: 'inbound' })).id;
}

/** Runs the sync, lets attribution catch up; the run's counts. */
async function run(syncId: string) {
  const r = await runSync(h.engine.service.svc, h.tenantId, syncId, 'manual');
  if (!r) throw new Error('the run did not start (lock held)');
  expect(r.status).toBe('succeeded');
  await h.hub.attribution.catchUp(h.tenantId);
  return r.counts;
}

/** How many spend records are stored, their cents, and the report's spend over the 30 days. */
async function spendNow() {
  const { records: stored } = await records.walk(h.tenantId, 'spend', null, 1_000);
  const report = await h.hub.attribution.report(h.tenantId, {
    from: days[0]!,
    to: today,
    model: 'last_touch',
    groupBy: 'campaign',
  });
  const cents = stored.reduce((s, r) => s + Number(r.f.amount), 0);
  const row = report.rows.find((x) => x.campaignId === CAMPAIGN);
  return { count: stored.length, cents, report: row?.spend, total: report.totals.spend };
}

/** Graph's rows' sum in dollars, as the report spells it. */
const graphDollars = () =>
  (graphRows().reduce((s, r) => s + Math.round(Number(r.spend) * 100), 0) / 100).toFixed(2);

beforeAll(async () => {
  h = await openEngineHarness(
    {},
    {
      registry: new ConnectorRegistry([meta]),
      mappings: new DirectoryMappingSource(DEFAULT_MAPPINGS_DIR),
    },
  );
  records = new RecordStore(h.hub.redis, h.hub.keys);
  sandbox = await new MetaSandbox({
    accessToken: TOKEN,
    appSecret: 'app-secret-0123456789',
    pageId: '100000000000001',
    pageName: 'Lone Star Motors',
    adAccountId: '700000000000123',
    pixelId: '900000000000456',
  }).start();
  // The demo's service account: 30.00 + (i × 79.19 mod 25.00) a day, 1,222.65 over the 30 days.
  sandbox.otherAccounts.set(
    SERVICE_ACCOUNT,
    days.map((d, i) => insight(d, 3_000 + ((i * 7_919) % 2_500))),
  );
});
afterAll(() => shutDown(sandbox, h));

describe('the first sync run again (meta-spend through the engine, real Redis)', () => {
  let first = '';

  it('each run re-reads the restated days into the same records: report = records, to the cent', async () => {
    first = await metaSpendSync('Meta: service department');
    expect(await run(first)).toMatchObject({ read: 30, created: 30, updated: 0 });
    expect(await spendNow()).toEqual({
      count: 30,
      cents: 122_265,
      report: '1222.65',
      total: '1222.65',
    });
    // Runs 2 and 3 read the last 3 days again and today (spendRestateDays 3): Meta restates
    // yesterday and today (a re-stated figure must replace the stored one, not add to it).
    const restated: [number, number][] = [
      [-1, 47.11],
      [-2, 12.5],
    ];
    for (const [n, [back, dollars]] of restated.entries()) {
      graphRows().at(-1)!.spend = (33.33 + n).toFixed(2);
      graphRows().at(back - 1)!.spend = dollars.toFixed(2);
      expect(await run(first)).toMatchObject({ read: 4, created: 0, updated: 2, unchanged: 2 });
      const now = await spendNow();
      expect(now).toMatchObject({ count: 30, report: graphDollars(), total: graphDollars() });
      expect((now.cents / 100).toFixed(2)).toBe(graphDollars());
    }
    // A run with nothing restated changes nothing.
    expect(await run(first)).toMatchObject({ read: 4, created: 0, updated: 0, unchanged: 4 });
    expect((await spendNow()).report).toBe(graphDollars());
  });

  it('a second connection to the same ad account updates the same records: spend counted once', async () => {
    const before = await spendNow();
    const second = await metaSpendSync('Meta: service department (again)');
    expect(await run(second)).toMatchObject({ read: 30, created: 0, updated: 0, unchanged: 30 });
    expect(await spendNow()).toEqual(before);
    // Meta restates a day; whichever connection reads it, the one record takes the new figure.
    graphRows().at(-3)!.spend = '99.99';
    expect(await run(second)).toMatchObject({ read: 4, created: 0, updated: 1 });
    expect(await run(first)).toMatchObject({ read: 4, created: 0, updated: 0, unchanged: 4 });
    const now = await spendNow();
    expect(now).toMatchObject({ count: 30, report: graphDollars(), total: graphDollars() });
    expect(now.report).not.toBe(before.report);
    // A full recompute from every stored record agrees with the incremental state.
    await h.hub.attribution.recompute(h.tenantId, undefined, { fromRecords: true });
    expect(await spendNow()).toEqual(now);
  });
});
