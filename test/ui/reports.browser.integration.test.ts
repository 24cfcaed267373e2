import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';

import { RecordStore } from '../../src/records/record-store.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { put, rec, spendRow } from '../attribution/support.ts';
import type { EngineHarness } from '../support/engine.ts';
import type { FakeSystem } from '../support/fake-system.ts';
import {
  checkAccessible,
  launchChromium,
  newPage,
  openDashboardWorld,
  shot,
  signIn,
  type DashboardWorld,
} from './browser.support.ts';
import { shutDown } from '../support/shut-down.ts';

let h: EngineHarness;
let system: FakeSystem;
let hub: DashboardWorld;
let browser: Browser;
let base = '';
const tokens: Record<string, string> = {};

const stages = (...s: [string, string][]) => s.map(([stage, at]) => ({ stage, at }));
const MIN = 60_000;
const after = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/**
 * The store's month and a half (Chicago): three campaigns with spend, four leads, a Google click
 * and an email click, four sales (one a walk-in), and the salespeople's calls, emails and texts.
 */
function world() {
  const lead = (id: string, c: string, at: string, source: string, campaignId: string, more = {}) =>
    rec('lead', id, { createdAt: at, source, campaignId, ...more }, c);
  const act = (id: string, c: string, at: string, type: string, user: string) =>
    rec('activity', id, { type, direction: 'outbound', occurredAt: at, user }, c);
  const sale = (id: string, deal: string, date: string, gross: number, c?: string) =>
    rec('sale', id, { dealNumber: deal, saleDate: date, price: gross * 10, totalGross: gross }, c);
  const L1 = '2026-10-05T15:00:00Z';
  const L2 = '2026-10-10T16:00:00Z';
  const L3 = '2026-11-01T17:00:00Z';
  return [
    lead('l-1', 'c1', L1, 'meta', 'm-spring', {
      campaignName: 'Spring Trucks',
      assignedTo: 'Dana',
      stage: 'sold',
      stageHistory: stages(
        ['new', L1],
        ['contacted', after(L1, 5 * MIN)],
        ['appointment', '2026-10-12T15:00:00Z'],
        ['shown', '2026-10-20T15:00:00Z'],
        ['sold', '2026-10-25T15:00:00Z'],
      ),
    }),
    act('a-1', 'c1', after(L1, 5 * MIN), 'call', 'Dana'),
    rec(
      'touchpoint',
      'p-1',
      {
        type: 'ad_click',
        occurredAt: '2026-10-20T14:00:00Z',
        channel: 'google',
        campaignId: 'g-search',
      },
      'c1',
    ),
    sale('s-1', 'D-101', '2026-10-25', 300_000, 'c1'),
    lead('l-2', 'c2', L2, 'google', 'g-search', {
      assignedTo: 'Eli',
      stage: 'contacted',
      stageHistory: stages(['contacted', after(L2, 40 * MIN)]),
    }),
    act('a-2', 'c2', after(L2, 40 * MIN), 'email', 'Eli'),
    sale('s-2', 'D-102', '2026-10-30', 200_000, 'c2'),
    lead('l-3', 'c3', L3, 'meta', 'm-spring', { assignedTo: 'Dana', stage: 'appointment' }),
    act('a-3', 'c3', after(L3, 3 * MIN), 'text', 'Dana'),
    rec(
      'touchpoint',
      'p-3',
      {
        type: 'email_click',
        occurredAt: '2026-11-05T14:00:00Z',
        channel: 'email',
        campaignId: 'e-news',
      },
      'c3',
    ),
    sale('s-3', 'D-103', '2026-11-10', 150_000, 'c3'),
    lead('l-4', 'c4', '2026-11-03T18:00:00Z', 'meta', 'm-spring', { assignedTo: 'Eli' }),
    rec('customer', 'c4', { firstName: 'Jo', lastName: 'Reyes', email: 'jo@example.com' }),
    sale('s-4', 'D-104', '2026-11-12', 100_000),
    spendRow('sp-1', '2026-10-05', 'meta', 'm-spring', 50_000),
    spendRow('sp-2', '2026-11-01', 'meta', 'm-spring', 70_000),
    spendRow('sp-3', '2026-10-10', 'google', 'g-search', 120_000),
    spendRow('sp-4', '2026-11-01', 'email', 'e-news', 5_000),
    // Mailchimp's title of e-news (campaigns stream): the pages name it as the API does.
    rec('campaign', 'cmp-1', {
      campaignId: 'e-news',
      channel: 'email',
      name: 'November newsletter',
    }),
  ];
}

beforeAll(async () => {
  hub = await openDashboardWorld('lone-star-r');
  ({ h, system, base } = hub);
  Object.assign(tokens, hub.tokens);
  // Through the record store's write path (as the sync engine writes), then a full recompute.
  await put(new RecordStore(h.hub.redis, h.hub.keys), h.tenantId, world());
  await h.hub.attribution.recompute(h.tenantId);
  // A CRM import for data quality: a bad email (quarantined), a bad phone (dropped), a duplicate.
  const contact = (id: string, email: string, phone?: string) =>
    system.put('contacts', {
      id,
      email,
      first_name: 'pat',
      updated_at: '2026-11-20T10:00:00Z',
      ...(phone ? { phone } : {}),
    });
  contact('k-1', 'ann@example.com', '512-555-0111');
  contact('k-2', 'bo@example.com', 'call me');
  contact('k-3', 'not-an-email');
  contact('k-4', 'ANN@example.com');
  const sync = await h.addSync({
    name: 'CRM contacts in',
    connectionId: await h.connect('http-json', system),
    mapping: 'crm-a-contacts',
    mode: 'inbound',
  });
  await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual');
  browser = await launchChromium();
}, 60_000);
afterAll(() => shutDown(browser, hub));

/** The cells of the table row whose header names `name`. */
const row = async (page: Page, table: string, name: string | RegExp) =>
  (await page.locator(`#${table}`).getByRole('row', { name }).locator('td').allTextContents()).map(
    (s) => s.trim(),
  );

/** The cells of the n-th touch of the sale explanation. */
const touch = async (page: Page, n: number) =>
  (await page.locator('#touches tbody tr').nth(n).locator('td').allTextContents()).map((s) =>
    s.trim(),
  );

/** Whether chart.js drew every canvas of the page. */
const chartsDrawn = (page: Page) =>
  page.evaluate(
    `[...document.querySelectorAll('canvas[data-chart]')].map((c) => !!(window.Chart && window.Chart.getChart(c)))`,
  );

describe('reports in a real browser', () => {
  it('marketing switches the model, sees the numbers change, and drills from a campaign to a sale', async () => {
    const page = await newPage(browser);
    await signIn(page, base, tokens.marketing!);
    await page.getByRole('link', { name: 'Attribution', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Attribution');
    await page.getByLabel('From').fill('2026-10-01');
    await page.getByLabel('To').fill('2026-11-30');
    await page.getByLabel('Attribution model').selectOption('last_touch');
    await page.getByRole('button', { name: 'Show' }).press('Enter');
    await page.waitForURL(/from=2026-10-01/);
    // Last touch, by hand: D-101 → the Google click, D-102 → the Google lead, D-103 → the
    // email click, D-104 a walk-in. Spend 500 + 700 (Meta), 1200 (Google), 50 (email).
    expect(await row(page, 'attribution-table', /g-search/)).toEqual([
      'google',
      '$1,200.00',
      '1',
      '2.00',
      '$600.00',
      '4.17×',
    ]);
    expect(await row(page, 'attribution-table', /Spring Trucks/)).toEqual([
      'meta',
      '$1,200.00',
      '3',
      '0.00',
      '—',
      '0.00×',
    ]);
    expect(await row(page, 'attribution-table', 'November newsletter (e-news)')).toEqual([
      'email',
      '$50.00',
      '0',
      '1.00',
      '$50.00',
      '30.00×',
    ]);
    // No spend, so no cost per sale (a "$0.00" would read as free sales).
    expect((await row(page, 'attribution-table', /Unattributed/)).slice(1)).toEqual([
      '$0.00',
      '0',
      '1.00',
      '—',
      '—',
    ]);
    expect(await row(page, 'attribution-table', /Total/)).toEqual([
      '',
      '$2,450.00',
      '4',
      '4.00',
      '$612.50',
      '3.06×',
    ]);
    // Funnel: l-1 reached sold in the CRM; l-2 (CRM: contacted) and l-3 (CRM: appointment) are sold
    // too, as their customers bought D-102 and D-103 in their windows; l-4 reached nothing.
    expect(await row(page, 'funnel', 'Leads')).toEqual(['', '4', '100.0%']);
    expect(await row(page, 'funnel', 'Contacted')).toEqual(['', '3', '75.0%']);
    expect(await row(page, 'funnel', 'Appointment')).toEqual(['', '3', '75.0%']);
    expect(await row(page, 'funnel', 'Sold')).toEqual(['', '3', '75.0%']);
    await expect.poll(() => chartsDrawn(page)).toEqual([true, true]);
    // Every campaign is named under its bar (chart.js would skip some to avoid overlap).
    expect(
      await page.evaluate(
        `(() => { const c = window.Chart.getChart(document.querySelector('canvas[data-chart="spend-sold"]')); return [c.scales.x.ticks.length, c.data.labels.length, c.options.scales.x.ticks.autoSkip]; })()`,
      ),
    ).toEqual([3, 3, false]);
    await checkAccessible(page);
    await shot(page, '20-attribution-last-touch');

    // First touch: D-101 and D-103 go to Meta's lead, D-102 stays Google's.
    await page.getByLabel('Attribution model').selectOption('first_touch');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/model=first_touch/);
    expect(await row(page, 'attribution-table', /Spring Trucks/)).toEqual([
      'meta',
      '$1,200.00',
      '3',
      '2.00',
      '$600.00',
      '3.75×',
    ]);
    expect(await row(page, 'attribution-table', /g-search/)).toEqual([
      'google',
      '$1,200.00',
      '1',
      '1.00',
      '$1,200.00',
      '1.67×',
    ]);
    await shot(page, '21-attribution-first-touch');

    await page.getByRole('link', { name: 'Spring Trucks (m-spring)' }).click();
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Sales of Spring Trucks (m-spring)');
    expect(
      (await page.locator('#campaign-sales tbody th').allTextContents()).map((s) => s.trim()),
    ).toEqual(['D-101', 'D-103']);
    expect(await row(page, 'campaign-sales', 'D-101')).toEqual([
      '2026-10-25',
      'email (high)',
      '1.00',
      '$3,000.00',
      '$30,000.00',
    ]);
    await checkAccessible(page);
    await shot(page, '22-campaign-sales');

    await page.getByRole('link', { name: 'D-101' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Deal D-101');
    // The path: Meta lead, then the Google click; credits last, first, linear, decay, position.
    // Times in the store's zone, as the window's dates count them.
    expect(await touch(page, 0)).toEqual([
      '2026-10-05 10:00 CDT',
      'meta',
      'Spring Trucks (m-spring)',
      'lead',
      'lead:l-1',
      '0.00%',
      '100.00%',
      '50.00%',
      expect.stringMatching(/%$/),
      '50.00%',
    ]);
    expect((await touch(page, 1)).slice(1, 6)).toEqual([
      'google',
      'g-search',
      'ad_click',
      'touchpoint:p-1',
      '100.00%',
    ]);
    await checkAccessible(page);
    // Nothing wider than the window: the page does not scroll sideways at a laptop's width.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    await shot(page, '23-sale-explanation');

    // Last touch, D-103 is the newsletter's; its path names it as the report does.
    await page.goto(
      `${base}/ui/reports/attribution?from=2026-10-01&to=2026-11-30&model=last_touch`,
    );
    await page.getByRole('link', { name: 'November newsletter (e-news)' }).click();
    await page.getByRole('link', { name: 'D-103' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Deal D-103');
    expect((await touch(page, 1)).slice(1, 3)).toEqual(['email', 'November newsletter (e-news)']);
  }, 180_000);

  it('marketing sees accountability and data quality, and is refused an IT page', async () => {
    const page = await newPage(browser);
    await signIn(page, base, tokens.marketing!);
    await page.getByRole('link', { name: 'Accountability', exact: true }).click();
    await page.getByLabel('From').fill('2026-10-01');
    await page.getByLabel('To').fill('2026-11-30');
    await page.getByLabel('To').press('Enter');
    await page.waitForURL(/from=2026-10-01/);
    // Dana answered in 5 and 3 minutes, Eli in 40 minutes and never (l-4).
    expect(await row(page, 'response-time', 'Dana')).toEqual([
      '2',
      '2',
      '4m 00s',
      '4m 48s',
      '100.0%',
      '0',
      '0',
    ]);
    expect(await row(page, 'response-time', 'Eli')).toEqual([
      '2',
      '1',
      '40m 00s',
      '40m 00s',
      '0.0%',
      '1',
      '0',
    ]);
    expect(await row(page, 'response-time', 'Whole store')).toEqual([
      '4',
      '3',
      '5m 00s',
      '33m 00s',
      '50.0%',
      '1',
      '0',
    ]);
    // Who to call back: the lead's source and campaign, the customer's name and email, beside the ids.
    expect(await row(page, 'unanswered', /2026-11-03/)).toEqual([
      'meta · m-springl-4',
      'Eli',
      'Jo Reyes · jo@example.comc4',
      'never',
    ]);
    await checkAccessible(page);
    await shot(page, '24-accountability');

    await page.getByRole('link', { name: 'Data quality', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Data quality');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('email: invalid email address');
    const total = await page
      .getByRole('row', { name: /^Total/ })
      .first()
      .locator('td')
      .allTextContents();
    // Read 4, quarantined 1, no email 0, no phone 1 (k-4; k-2's phone dropped: 2), normalized 1, duplicate 1.
    expect(total).toEqual(['4', '1', '0', '2', '1', '1']);
    await checkAccessible(page);
    await shot(page, '25-data-quality');

    const res = await page.goto(`${base}/ui/health`);
    expect(res?.status()).toBe(403);
    expect(await page.getByRole('alert').textContent()).toContain(
      '“marketing” role cannot open this page',
    );
    await shot(page, '26-refused-health');
  }, 120_000);
});
