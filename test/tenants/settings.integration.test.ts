import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { parseAssignments } from '../../src/cli/settings-commands.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { DEFAULT_SETTINGS } from '../../src/tenants/settings.ts';
import type { SettingsChange } from '../../src/tenants/settings-store.ts';
import { runCli, runCliInProcess } from '../support/cli.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { shutDown } from '../support/shut-down.ts';

let t: TestHub;
let engine: Engine;
let app: ReturnType<typeof createApp>;
let admin: string;
let viewer: string;

const call = (method: string, path: string, token: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  t = await openTestHub();
  engine = createEngine(t.hub, { queueName: `settings-${randomUUID()}` });
  app = createApp(t.hub, engine.service);
  await t.hub.tenants.create({ id: 'store-a', name: 'Acme Ford' });
  await t.hub.tenants.create({ id: 'store-d', name: 'Denver Kia', timezone: 'America/Denver' });
  admin = (await t.hub.apiKeys.create('store-a', 'admin', 'a')).token;
  viewer = (await t.hub.apiKeys.create('store-a', 'viewer', 'v')).token;
});
afterAll(() => shutDown(engine, t));

describe('tenant settings', () => {
  it('has the documented defaults, and a tenant created with a zone keeps it', async () => {
    expect(DEFAULT_SETTINGS).toEqual({
      timeZone: 'America/Chicago',
      currency: 'USD',
      lookbackDays: 90,
      halfLifeDays: 7,
      minMatchConfidence: 'medium',
      responseSlaMinutes: 15,
    });
    expect(await t.hub.settings.get('store-a')).toEqual(DEFAULT_SETTINGS);
    expect((await t.hub.settings.get('store-d')).timeZone).toBe('America/Denver');
  });

  it('GET and PATCH through the API; the tenant profile follows the zone', async () => {
    const got = await call('GET', '/v1/tenants/store-a/settings', viewer);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(DEFAULT_SETTINGS);
    const res = await call('PATCH', '/v1/tenants/store-a/settings', admin, {
      lookbackDays: 60,
      timeZone: 'America/Los_Angeles',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ...DEFAULT_SETTINGS,
      lookbackDays: 60,
      timeZone: 'America/Los_Angeles',
    });
    expect((await t.hub.tenants.get('store-a')).timezone).toBe('America/Los_Angeles');
    expect((await call('PATCH', '/v1/tenants/store-a/settings', viewer, {})).status).toBe(403);
  });

  it('refuses a bad value with 400 naming the field and the reason, storing nothing', async () => {
    const before = await t.hub.settings.get('store-a');
    const res = await call('PATCH', '/v1/tenants/store-a/settings', admin, {
      timeZone: 'Mars/Olympus',
      halfLifeDays: 0,
      minMatchConfidence: 'low',
      lookback: 30,
      lookbackDays: 30,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: unknown[] } };
    expect(body.error.code).toBe('invalid_settings');
    expect(body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'timeZone', message: 'must be an IANA time zone such as America/Chicago' },
        { path: 'halfLifeDays', message: 'must be at least 1' },
        { path: 'minMatchConfidence', message: 'must be "medium" or "high"' },
        expect.objectContaining({ path: 'lookback' }),
      ]),
    );
    expect(await t.hub.settings.get('store-a')).toEqual(before);
  });

  it('tells listeners what changed and whether attribution must be recomputed', async () => {
    const seen: SettingsChange[] = [];
    t.hub.settings.onChange(async (_tenant, change) => void seen.push(change));
    await t.hub.settings.update('store-d', { responseSlaMinutes: 10 });
    await t.hub.settings.update('store-d', { halfLifeDays: 14 });
    await t.hub.settings.update('store-d', { halfLifeDays: 14 });
    expect(seen.map((c) => [c.changed, c.recompute])).toEqual([
      [['responseSlaMinutes'], false],
      [['halfLifeDays'], true],
    ]);
  });

  it('reads key=value arguments for the CLI', () => {
    expect(parseAssignments(['lookbackDays=60', 'timeZone=America/Denver'])).toEqual({
      lookbackDays: 60,
      timeZone: 'America/Denver',
    });
    expect(() => parseAssignments(['lookbackDays'])).toThrow(/key=value/);
  });

  it('`dealerloop tenant set` refuses a bad value naming it, and `tenant show` prints the table', async () => {
    // The refusal as a child process, as a person sees it; the rest in this process (the same
    // program, output captured), since each child costs seconds of start-up on a loaded machine.
    const env = { REDIS_PREFIX: t.config.REDIS_PREFIX, DATA_DIR: t.config.DATA_DIR };
    const here = (args: string[]) => runCliInProcess(args, env);
    const bad = await runCli(['tenant', 'set', 'store-d', 'lookbackDays=-3'], env);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('lookbackDays: must be 0 or more');
    const ok = await here(['tenant', 'set', 'store-d', 'lookbackDays=45']);
    expect(ok.code).toBe(0);
    const shown = await here(['tenant', 'show', 'store-d']);
    expect(shown.out).toMatch(/lookbackDays\s+45/);
    expect(shown.out).toMatch(/timeZone\s+America\/Denver/);
  }, 60_000);
});
