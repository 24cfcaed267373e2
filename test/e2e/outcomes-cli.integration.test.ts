import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GoogleAdsSandbox } from '../../src/sandbox/google-ads.ts';
import { cliHome, runCli, runCliInProcess } from '../support/cli.ts';

// Issue 14, connection set-up: `dealerloop connection create --connector google-ads ...` as a
// person types it (the CLI on its own Redis prefix; see `dealerloop` below), every bad setting named,
// then `connection test` making one authenticated call against the Google Ads fake.

const home = cliHome('gads-cli');
const masterKey = randomBytes(32).toString('hex');
const ACCOUNT = {
  customerId: '5125550188',
  managerId: '7375550188',
  developerToken: 'cli-developer-token-0001',
  clientId: '000000000000-cli.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-cli-secret-0001',
  refreshToken: '1//0cli-refresh-token-0001',
  conversionActionIds: ['6051234588'],
};
let google: GoogleAdsSandbox;

beforeAll(async () => {
  google = await new GoogleAdsSandbox(ACCOUNT).start();
});
afterAll(async () => {
  await google.stop();
  await home.cleanup();
});

const env = { ...home.env, HUB_MASTER_KEY: masterKey, LOG_LEVEL: 'warn' };
/**
 * Runs the CLI to its end: the refused connection as a child process (what a person sees, with no
 * credential echoed), the rest in this process (the same program, output captured), since each
 * child costs seconds of start-up on a loaded machine.
 */
const dealerloop = (...args: string[]) => runCliInProcess(args, env);
const child = (...args: string[]) => runCli(args, env);

describe('dealerloop connection create --connector google-ads', { timeout: 240_000 }, () => {
  it('names every bad setting and credential, then a good one passes connection test with one call', async () => {
    expect((await dealerloop('tenant', 'create', 'ridge-ford', '--name', 'Ridge Ford')).code).toBe(
      0,
    );
    const create = (
      via: typeof dealerloop,
      settings: unknown,
      credentials: string,
      ...more: string[]
    ) =>
      via(
        'connection',
        'create',
        '--tenant',
        'ridge-ford',
        '--connector',
        'google-ads',
        '--name',
        'Google Ads: Ridge Ford',
        '--settings',
        JSON.stringify(settings),
        '--credentials',
        credentials,
        ...more,
      );

    const bad = await create(
      child,
      {
        apiHost: 'not a url',
        apiVersion: 'version22',
        customerId: '512-555-01',
        loginCustomerId: 'agency',
        conversionAction: 'conversionActions/6051234588',
        userIdentifiers: 'sometimes',
      },
      JSON.stringify({ clientId: ACCOUNT.clientId, clientSecret: 'short' }),
    );
    expect(bad.code).toBe(1);
    for (const field of [
      'settings.apiHost',
      'settings.apiVersion',
      'settings.customerId',
      'settings.loginCustomerId',
      'settings.conversionAction',
      'settings.userIdentifiers',
      'credentials.clientSecret',
      'credentials.refreshToken',
      'credentials.developerToken',
    ])
      expect(bad.err, field).toContain(field);
    expect(bad.err).not.toContain(ACCOUNT.clientId); // a credential is never echoed
    expect(google.requests).toEqual([]); // nothing was called for a refused connection

    const creds = join(home.dir, 'creds.json');
    writeFileSync(
      creds,
      JSON.stringify({
        clientId: ACCOUNT.clientId,
        clientSecret: ACCOUNT.clientSecret,
        refreshToken: ACCOUNT.refreshToken,
        developerToken: ACCOUNT.developerToken,
      }),
    );
    const good = await create(
      dealerloop,
      {
        apiHost: google.url,
        tokenUrl: `${google.url}/token`,
        customerId: '512-555-0188',
        loginCustomerId: '737-555-0188',
        conversionAction: `customers/${ACCOUNT.customerId}/conversionActions/6051234588`,
      },
      `@${creds}`,
      '--json',
    );
    expect(good.code, good.err).toBe(0);
    const id = (JSON.parse(good.out) as { id: string }).id;
    expect(good.out).not.toContain(ACCOUNT.refreshToken);

    const test = await dealerloop('connection', 'test', id, '--tenant', 'ridge-ford');
    expect(test.code, test.err).toBe(0);
    // One token grant, then one authenticated Google Ads call (the fake checks the bearer token it
    // issued, developer-token, login-customer-id and the 10-digit customer id), answered 200.
    expect(google.requests).toEqual([
      { method: 'POST', path: '/token', status: 200 },
      {
        method: 'POST',
        path: `/v26/customers/${ACCOUNT.customerId}/googleAds:searchStream`,
        status: 200,
      },
    ]);
  });
});
