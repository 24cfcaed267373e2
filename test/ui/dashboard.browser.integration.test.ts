import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';

import { runSync } from '../../src/sync/run-sync.ts';
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
let world: DashboardWorld;
let browser: Browser;
let base = '';
const tokens: Record<string, string> = {};

beforeAll(async () => {
  world = await openDashboardWorld('lone-star');
  ({ h, system, base } = world);
  Object.assign(tokens, world.tokens);
  browser = await launchChromium();
}, 60_000);
afterAll(() => shutDown(browser, world));

describe('dashboard in a real browser', () => {
  it('IT signs in, sees sync health, fixes and replays a quarantined record, and sets up a connection', async () => {
    for (let i = 0; i < 3; i++)
      system.put('contacts', {
        id: `c-${i}`,
        email: `buyer${i}@example.com`,
        first_name: 'pat',
        updated_at: '2026-11-20T10:00:00Z',
      });
    system.put('contacts', {
      id: 'c-bad',
      email: 'not-an-email',
      first_name: 'casey',
      updated_at: '2026-11-20T10:00:00Z',
    });
    const sync = await h.addSync({
      name: 'CRM contacts in',
      connectionId: await h.connect('http-json', system),
      mapping: 'crm-a-contacts',
      mode: 'inbound',
    });
    const run = await runSync(h.engine.service.svc, h.tenantId, sync.id, 'manual');
    expect(run?.counts).toMatchObject({ created: 3, quarantined: 1 });

    const page = await newPage(browser);
    await page.goto(`${base}/ui`);
    await shot(page, '01-signin');
    await checkAccessible(page);
    await signIn(page, base, tokens.it!);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'dl_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
    await shot(page, '02-overview');

    await page.getByRole('link', { name: 'Connections & syncs' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Connections & syncs');
    expect(await page.getByRole('row', { name: /CRM contacts in/ }).textContent()).toContain(
      'succeeded',
    );
    await checkAccessible(page);
    await shot(page, '03-health');
    await page.getByRole('link', { name: 'CRM contacts in' }).click();
    await shot(page, '04-sync');
    await page.getByRole('row').nth(1).getByRole('link').click();
    expect(await page.locator('main').textContent()).toContain('quarantined');
    await shot(page, '05-run');

    await page.getByRole('link', { name: 'Quarantine' }).click();
    await checkAccessible(page);
    await shot(page, '06-quarantine');
    await page.getByRole('link', { name: 'c-bad' }).click();
    expect(await page.locator('main').textContent()).toContain('email');
    await checkAccessible(page);
    await shot(page, '07-quarantine-entry');
    await page.getByLabel('email', { exact: true }).fill('casey.fixed@example.com');
    await page.getByRole('button', { name: 'Replay with these values' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('went through');
    expect(await page.locator('table').textContent()).toContain('Nothing here');
    await shot(page, '08-quarantine-replayed');
    // It arrived: the hub's identity index and record store have the fixed customer.
    const customerId = await h.hub.redis.hget(
      h.hub.keys.identity(h.tenantId, 'email'),
      'casey.fixed@example.com',
    );
    expect(customerId).toBeTruthy();
    const stored = await h.engine.service.svc.records.get(h.tenantId, 'customer', customerId!);
    expect(JSON.stringify(stored)).toContain('casey.fixed@example.com');
    expect(await h.engine.service.svc.quarantine.count(h.tenantId)).toBe(0);

    await page.getByRole('link', { name: 'Dead letters' }).click();
    await shot(page, '09-dead-letters');

    await page.getByRole('link', { name: 'Add a connection' }).click();
    await checkAccessible(page);
    await shot(page, '10-setup');
    await page
      .getByRole('link', { name: 'Add a HTTP JSON connection' })
      .or(page.locator('a[href$="connector=http-json"]'))
      .first()
      .click();
    await page.getByLabel('Connection name').fill('Website leads API');
    await page.getByLabel('baseUrl').fill('crm');
    await page.getByLabel('pageSize').fill('250');
    await checkAccessible(page);
    await page.getByRole('button', { name: 'Save connection' }).click();
    expect(await page.locator('.field.has-err').first().textContent()).toContain('baseUrl');
    await shot(page, '11-connection-form-error');
    await page.getByLabel('baseUrl').fill(system.url);
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('Saved connection Website leads API');
    const created = (await h.hub.connections.list(h.tenantId)).find(
      (c) => c.name === 'Website leads API',
    );
    expect(created?.settings).toMatchObject({ baseUrl: system.url, pageSize: 250 });
    await page.getByRole('button', { name: 'Test the connection' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBeTruthy();
    await checkAccessible(page);
    await shot(page, '12-connection');
    await page.getByLabel('Sync name').fill('Website leads in');
    await page.getByLabel('Mode').selectOption('inbound');
    const zone = (await h.hub.settings.get(h.tenantId)).timeZone;
    expect(await page.locator('#sync-schedule-help').textContent()).toContain(zone);
    await page.getByLabel('Schedule (cron)').fill('15 2 * * *');
    await page.getByRole('button', { name: 'Create sync' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('Created sync Website leads in');
    // The schedule is the store's clock, and the sync's page says it in words.
    const made = (await h.engine.service.svc.syncs.list(h.tenantId)).find(
      (s) => s.name === 'Website leads in',
    );
    expect(made).toMatchObject({ schedule: '15 2 * * *', timezone: zone });
    expect(await page.locator('main').textContent()).toContain(`At 02:15 (${zone})`);
    await shot(page, '13-sync-created');

    await page.getByRole('link', { name: 'Preview a mapping' }).click();
    await page
      .getByLabel('Record (JSON)')
      .fill(JSON.stringify({ id: 'p1', email: 'Sam@Example.com', first_name: ' sam ' }));
    await page.getByRole('button', { name: 'Preview' }).click();
    expect(await page.locator('pre.code').textContent()).toContain('sam@example.com');
    await checkAccessible(page);
    await shot(page, '14-mapping-preview');
  }, 180_000);

  it('marketing is refused sync health and set-up with a clear 403 page; a forged form is refused', async () => {
    const page = await newPage(browser);
    await signIn(page, base, tokens.marketing!);
    await shot(page, '15-overview-marketing');
    expect(await page.getByRole('link', { name: 'Quarantine' }).count()).toBe(0);
    for (const path of ['/ui/health', '/ui/setup', '/ui/quarantine']) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(403);
      expect(await page.getByRole('alert').textContent()).toContain(
        '“marketing” role cannot open this page',
      );
    }
    await shot(page, '16-refused');
    const forged = await page.request.post(`${base}/ui/signout`, { form: { _csrf: 'wrong' } });
    expect(forged.status()).toBe(403);
  }, 120_000);
});
