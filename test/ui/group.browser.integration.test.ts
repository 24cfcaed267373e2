import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApi, type ApiServer } from '../../src/api/server.ts';
import type { GroupReport, GroupResponseReport } from '../../src/attribution/group-report.ts';
import { formatDuration } from '../../src/attribution/response-time.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { money } from '../../src/ui/format.ts';
import { metaLeadL1, rec, seedStores, spendRow } from '../attribution/support.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { checkAccessible, launchChromium, newPage, shot, signIn } from './browser.support.ts';
import { shutDown } from '../support/shut-down.ts';

// Issue 13 build 5 in the dashboard: a group key signs in and sees the group's attribution
// report with a row per store and totals per currency, and clicks through to a store's own
// report, in Debian's chromium against the API on loopback and real Redis.

const G = 'gulf-group';
const STORES = [
  {
    id: 'gulf-ford',
    name: 'Gulf Ford',
    currency: 'USD',
    zone: 'America/Chicago',
    price: 2_100_000,
  },
  { id: 'gulf-kia', name: 'Gulf Kia', currency: 'USD', zone: 'America/New_York', price: 1_900_000 },
  {
    id: 'gulf-honda',
    name: 'Gulf Honda',
    currency: 'CAD',
    zone: 'America/Toronto',
    price: 2_500_000,
  },
] as const;
const RANGE = 'from=2026-03-01&to=2026-03-31';

let t: TestHub;
let engine: Engine;
let api: ApiServer;
let browser: Browser;
let base: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await openTestHub();
  engine = createEngine(t.hub, { queueName: `group-ui-${randomUUID()}` });
  await seedStores(
    t.hub,
    STORES,
    (s, i) => ({
      timezone: s.zone,
      settings: { currency: s.currency },
      records: [
        metaLeadL1(),
        rec(
          'touchpoint',
          'p1',
          {
            type: 'ad_click',
            occurredAt: '2026-03-06T16:00:00Z',
            channel: 'google',
            campaignId: 'g1',
          },
          'c1',
        ),
        rec(
          'sale',
          's1',
          {
            dealNumber: `${s.id}-D1`,
            saleDate: '2026-03-17',
            price: s.price,
            totalGross: 300_001 + i,
          },
          'c1',
        ),
        rec(
          'lead',
          'l2',
          { createdAt: '2026-03-08T16:00:00Z', source: 'meta', campaignId: 'm1' },
          'c2',
        ),
        // Dana calls c1 back 5 minutes (plus the store's index) after the Meta lead; c2 waits.
        rec(
          'activity',
          'a1',
          {
            type: 'call',
            direction: 'outbound',
            occurredAt: `2026-03-03T16:0${5 + i}:00Z`,
            user: 'Dana',
          },
          'c1',
        ),
        spendRow('sp1', '2026-03-10', 'meta', 'm1', 100_000 + 1_111 * i),
        spendRow('sp2', '2026-03-11', 'google', 'g1', 55_555),
      ],
    }),
    { recompute: true },
  );
  await t.hub.tenants.create({ id: 'outsider', name: 'Outsider Motors' });
  await t.hub.groups.create({
    id: G,
    name: 'Gulf Coast Auto Group',
    members: STORES.map((s) => s.id),
  });
  tokens.group = (
    await t.hub.apiKeys.createFor({ scope: 'group', id: G }, 'marketing', 'CMO')
  ).token;
  tokens.hub = (await t.hub.apiKeys.createFor({ scope: 'hub', id: '' }, 'admin', 'ops')).token;
  api = await startApi(t.hub, engine.service, 0);
  base = `http://127.0.0.1:${api.port}`;
  browser = await launchChromium();
}, 120_000);
afterAll(() => shutDown(browser, api, engine, t));

/** The group report as the API gives it to the same key. */
async function apiReport(model: string): Promise<GroupReport> {
  const res = await fetch(`${base}/v1/groups/${G}/reports/attribution?${RANGE}&model=${model}`, {
    headers: { authorization: `Bearer ${tokens.group}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as GroupReport;
}

describe('the group dashboard', () => {
  it('shows a row per store and totals per currency, follows the model picker, and opens a store', async () => {
    const page = await newPage(browser);
    await signIn(page, base, tokens.group!);
    expect(new URL(page.url()).pathname).toBe('/ui/group');
    await page.goto(`${base}/ui/group?${RANGE}&model=linear`);
    expect(await checkAccessible(page)).toBeGreaterThan(3);
    const expected = await apiReport('linear');
    const rows = page.locator('#group-stores tbody tr');
    expect(await rows.count()).toBe(3);
    for (const [i, s] of expected.stores.entries()) {
      const cells = await rows.nth(i).locator('th, td').allInnerTexts();
      expect(cells.slice(0, 3)).toEqual([`${s.name} (${s.tenantId})`, s.timeZone, s.currency]);
      expect(cells[3]).toBe(money(expected.subtotals[i]!.spend, s.currency));
    }
    const foot = await page.locator('#group-stores tfoot tr').allInnerTexts();
    expect(foot.map((r) => r.split('\t')[0])).toEqual(['Total CAD', 'Total USD']);
    const usd = expected.totals.find((x) => x.currency === 'USD')!;
    expect(await page.locator('#totals-USD .n').first().innerText()).toBe(money(usd.spend, 'USD'));
    expect(await page.locator('#totals-CAD .n').first().innerText()).toBe(
      money(expected.totals.find((x) => x.currency === 'CAD')!.spend, 'CAD'),
    );
    await shot(page, 'group-attribution');

    // The model picker: first touch credits the meta lead, so the rows change.
    await page.getByLabel('Attribution model').selectOption('first_touch');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.searchParams.get('model') === 'first_touch');
    const first = await apiReport('first_touch');
    expect(await rows.nth(0).locator('td').nth(4).innerText()).toBe(
      first.subtotals[0]!.sold === '0' ? '0.00' : Number(first.subtotals[0]!.sold).toFixed(2),
    );

    // A store's own report, with the same range and model, and its drill-down under the group.
    await page.getByRole('link', { name: 'Gulf Kia' }).click();
    await page.waitForURL((u) => u.pathname === '/ui/group/stores/gulf-kia/reports/attribution');
    expect(new URL(page.url()).searchParams.get('model')).toBe('first_touch');
    expect(await page.locator('#store-crumb').innerText()).toContain('Gulf Kia');
    const own = await fetch(
      `${base}/v1/tenants/gulf-kia/reports/attribution?${RANGE}&model=first_touch`,
      { headers: { authorization: `Bearer ${tokens.group}` } },
    ).then((r) => r.json() as Promise<{ rows: { campaignId: string }[] }>);
    expect(await page.locator('#attribution-table tbody tr').count()).toBe(own.rows.length + 1);
    await checkAccessible(page);
    // The charts' script loads for a group session too, and draws the campaign chart.
    const script = await page.request.get(`${base}/ui/assets/charts.js`);
    expect(script.status()).toBe(200);
    await page.waitForFunction('window.Chart && Object.keys(window.Chart.instances).length > 0');
    await shot(page, 'group-store-attribution');
    await page.locator('#attribution-table tbody tr').first().locator('a').click();
    await page.waitForURL((u) => u.pathname.endsWith('/reports/attribution/sales'));
    expect(new URL(page.url()).pathname).toBe(
      '/ui/group/stores/gulf-kia/reports/attribution/sales',
    );
    await page.getByRole('link', { name: '← Back to the report' }).click();
    await page.getByRole('link', { name: '← Group report' }).click();
    await page.waitForURL((u) => u.pathname === '/ui/group');
    await page.context().close();
  }, 120_000);

  it("shows response time per store and salesperson, and opens a store's unanswered leads", async () => {
    const page = await newPage(browser);
    await signIn(page, base, tokens.group!);
    await page.getByRole('link', { name: 'Response time by store' }).click();
    await page.waitForURL((u) => u.pathname === '/ui/group/response-time');
    await page.getByLabel('From', { exact: true }).fill('2026-03-01');
    await page.getByLabel('To', { exact: true }).fill('2026-03-31');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.searchParams.get('from') === '2026-03-01');
    expect(await checkAccessible(page)).toBeGreaterThan(2);
    const res = await fetch(`${base}/v1/groups/${G}/reports/response-time?${RANGE}`, {
      headers: { authorization: `Bearer ${tokens.group}` },
    });
    const expected = (await res.json()) as GroupResponseReport;
    const rows = page.locator('#group-response-stores tbody tr');
    expect(await rows.count()).toBe(3);
    for (const [i, s] of expected.stores.entries()) {
      const cells = await rows.nth(i).locator('th, td').allInnerTexts();
      expect(cells).toEqual([
        `${s.name} (${s.tenantId})`,
        s.timeZone,
        `${s.slaMinutes} min`,
        String(s.leads),
        String(s.answered),
        formatDuration(s.medianMs),
        formatDuration(s.p90Ms),
        `${(Number(s.withinSlaShare) * 100).toFixed(1)}%`,
        String(s.unanswered),
        String(s.pending),
      ]);
    }
    const people = await page.locator('#group-response-people tbody tr').allInnerTexts();
    expect(people.map((r) => r.split('\t').slice(0, 2).join(' / '))).toEqual(
      expected.salespeople.map((p) => `${p.tenantName} / ${p.salesperson}`),
    );
    expect(people.some((r) => r.includes('Dana'))).toBe(true);
    await shot(page, 'group-response-time');

    await page.getByRole('link', { name: 'Gulf Kia' }).click();
    await page.waitForURL((u) => u.pathname === '/ui/group/stores/gulf-kia/reports/accountability');
    expect(await page.locator('#store-crumb').innerText()).toContain('Gulf Kia');
    expect(await page.locator('#unanswered tbody tr').count()).toBe(1); // c2's lead, never answered
    await checkAccessible(page);
    await shot(page, 'group-store-accountability');
    await page.getByRole('link', { name: '← Group report' }).click();
    await page.waitForURL((u) => u.pathname === '/ui/group/response-time');
    await page.context().close();
  }, 120_000);

  it("refuses a store outside the group, a store's own pages, and hub keys", async () => {
    const page = await newPage(browser);
    await signIn(page, base, tokens.group!);
    for (const path of [
      '/ui/group/stores/outsider/reports/attribution',
      '/ui/health',
      '/ui/reports/attribution',
    ]) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(403);
    }
    expect(await page.locator('[role=alert]').innerText()).toMatch(
      /this page is for a store's own key/,
    );
    await page.goto(`${base}/ui/group/stores/outsider/reports/attribution`);
    expect(await page.locator('[role=alert]').innerText()).toMatch(
      /Store outsider is not a member of group gulf-group/,
    );
    // A store leaving the group leaves the dashboard at once.
    await t.hub.groups.remove(G, ['gulf-honda']);
    const gone = await page.goto(`${base}/ui/group/stores/gulf-honda/reports/attribution`);
    expect(gone?.status()).toBe(403);
    await page.goto(`${base}/ui/group?${RANGE}`);
    expect(await page.locator('#group-stores tbody tr').count()).toBe(2);
    expect(await page.locator('#group-stores tfoot tr').count()).toBe(1);
    await t.hub.groups.add(G, ['gulf-honda']);
    await page.context().close();

    const hubPage = await newPage(browser);
    await hubPage.goto(`${base}/ui/signin`);
    await hubPage.getByLabel('API key').fill(tokens.hub!);
    await hubPage.keyboard.press('Enter');
    await hubPage.waitForLoadState();
    expect(await hubPage.locator('[role=alert]').innerText()).toMatch(
      /Hub keys work through the API/,
    );
    await hubPage.context().close();
  }, 120_000);
});
