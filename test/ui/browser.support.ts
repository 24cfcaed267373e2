import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

import { startApi, type ApiServer } from '../../src/api/server.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';

/** Where the browser tests write their screenshots (gitignored). */
export const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

/** Debian's chromium, headless, as CI installs it (`.ci/run`). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Full-page screenshot named `<name>.png` in test-artifacts/. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Basic accessibility of the page shown: every visible form control has a label (a <label>, an
 * aria-label, or a fieldset legend for checkbox groups), every table has header cells, and the
 * page has one h1. Returns the controls it checked, so a test can see it looked at something.
 */
export async function checkAccessible(page: Page): Promise<number> {
  // Runs in the page (a string: this project compiles without the DOM types).
  const r = (await page.evaluate(`(() => {
    const controls = [...document.querySelectorAll('input, select, textarea, button')].filter(
      (el) => el.type !== 'hidden');
    const unlabeled = controls.filter((el) => {
      if (el.tagName === 'BUTTON') return !el.textContent.trim() && !el.getAttribute('aria-label');
      const inLegend = el.closest('fieldset') && el.closest('fieldset').querySelector('legend') && el.closest('label');
      return !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !inLegend;
    }).map((el) => el.outerHTML.slice(0, 120));
    const headless = [...document.querySelectorAll('table')].filter((t) => !t.querySelector('th')).length;
    return { n: controls.length, unlabeled, headless, h1: document.querySelectorAll('h1').length };
  })()`)) as { n: number; unlabeled: string[]; headless: number; h1: number };
  expect(r.unlabeled, 'controls without a label').toEqual([]);
  expect(r.headless, 'tables without headers').toBe(0);
  expect(r.h1).toBe(1);
  return r.n;
}

/** A new page in a fresh context (own cookies) at a laptop's viewport. */
export async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
}

/** Signs in through the form with the keyboard only (type the key, press Enter). */
export async function signIn(page: Page, base: string, token: string, path = '/ui') {
  await page.goto(`${base}${path}`);
  expect(new URL(page.url()).pathname).toBe('/ui/signin');
  await page.getByLabel('API key').focus();
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname !== '/ui/signin');
}

/** The hub a browser test drives: engine, a fake CRM, the API on a free port, an IT and a marketing key. */
export interface DashboardWorld {
  h: EngineHarness;
  system: FakeSystem;
  api: ApiServer;
  base: string;
  tokens: Record<'it' | 'marketing', string>;
  close(): Promise<void>;
}

/** Opens the tenant "Lone Star Motors" (`tenantId`) with its API and keys for both roles. */
export async function openDashboardWorld(tenantId: string): Promise<DashboardWorld> {
  const h = await openEngineHarness({}, { tenantName: 'Lone Star Motors', tenantId });
  const system = await new FakeSystem().start();
  const api = await startApi(h.hub, h.engine.service, 0);
  const key = async (role: 'it' | 'marketing') =>
    (await h.hub.apiKeys.create(h.tenantId, role, `${role} desk`)).token;
  return {
    h,
    system,
    api,
    base: `http://127.0.0.1:${api.port}`,
    tokens: { it: await key('it'), marketing: await key('marketing') },
    async close() {
      await api.close();
      await system.stop();
      await h.close();
    },
  };
}
