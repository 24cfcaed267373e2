import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';

import mailchimp from '../../connectors/mailchimp/index.ts';
import { startApi, type ApiServer } from '../../src/api/server.ts';
import { FakeMailchimp } from '../../src/sandbox/mailchimp.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR } from '../../src/sync/mapping-source.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { scanKeys } from '../support/hub.ts';
import { checkAccessible, launchChromium, newPage, shot, signIn } from './browser.support.ts';

// The set-up flow's "Preview on records from <connection>": IT picks a mapping on a Mailchimp
// connection (the loopback sandbox) and sees each of its first members mapped.

const LIST = 'a1b2c3d4e5';
const API_KEY = '0123456789abcdef0123456789abcdef-us14';

let h: EngineHarness;
let api: ApiServer;
let mc: FakeMailchimp;
let browser: Browser;
let token = '';
let conn = '';

beforeAll(async () => {
  h = await openEngineHarness(
    { MAPPINGS_DIR: DEFAULT_MAPPINGS_DIR },
    { registry: new ConnectorRegistry([mailchimp]), tenantId: 'lone-star' },
  );
  api = await startApi(h.hub, h.engine.service, 0);
  mc = await new FakeMailchimp(LIST, API_KEY).start();
  for (let i = 0; i < 4; i++)
    mc.add(`Driver${i}@Example.com`, 'subscribed', [], new Date(Date.UTC(2026, 10, 1 + i)));
  token = (await h.hub.apiKeys.create(h.tenantId, 'it', 'it desk')).token;
  const created = await h.hub.connections.create(h.tenantId, {
    connectorId: 'mailchimp',
    name: 'Mailchimp: main store',
    settings: { listId: LIST, baseUrl: mc.url },
    credentials: { apiKey: API_KEY, webhookSecret: 'whsec-0123456789' },
  });
  conn = created.id;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await mc?.stop();
  await h?.close();
});

describe('preview a mapping on records of the connection', () => {
  it('shows each of the first records mapped, and saves none of them', async () => {
    const base = `http://127.0.0.1:${api.port}`;
    const page = await newPage(browser);
    await signIn(page, base, token);
    await page.goto(`${base}/ui/setup/connections/${conn}`);
    await checkAccessible(page);
    await page.getByLabel('Mapping to preview').selectOption('mailchimp-members');
    await page.getByLabel('Records').fill('2');
    const members = () => scanKeys(h.hub.redis, `${h.config.REDIS_PREFIX}:{lone-star}:rec*`);
    const before = await members();
    await page
      .getByRole('button', { name: 'Preview on records from Mailchimp: main store' })
      .click();
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Preview on records from Mailchimp: main store');
    const shown = await page.locator('section pre.code').allTextContents();
    expect(shown).toHaveLength(2);
    expect(shown[0]).toContain('driver0@example.com');
    expect(shown[1]).toContain('driver1@example.com');
    await checkAccessible(page);
    await shot(page, '30-preview-on-connection-records');
    expect(await members()).toEqual(before);
    expect(mc.writes()).toEqual([]);
  }, 120_000);
});
