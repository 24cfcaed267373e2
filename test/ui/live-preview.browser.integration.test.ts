import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';

import mailchimp from '../../connectors/mailchimp/index.ts';
import { startApi, type ApiServer } from '../../src/api/server.ts';
import type { FakeMailchimp } from '../../src/sandbox/mailchimp.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR } from '../../src/sync/mapping-source.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { scanKeys } from '../support/hub.ts';
import { connectMailchimp, startMailchimpMembers } from '../support/mailchimp-members.ts';
import { checkAccessible, launchChromium, newPage, shot, signIn } from './browser.support.ts';
import { shutDown } from '../support/shut-down.ts';

// The set-up flow's "Preview on records from <connection>": IT picks a mapping on a Mailchimp
// connection (the loopback sandbox) and sees each of its first members mapped.

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
  const sandbox = await startMailchimpMembers('Driver', 4);
  mc = sandbox.mc;
  token = (await h.hub.apiKeys.create(h.tenantId, 'it', 'it desk')).token;
  conn = await connectMailchimp(h.hub, h.tenantId, sandbox);
  browser = await launchChromium();
}, 60_000);
afterAll(() => shutDown(browser, api, mc, h));

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
