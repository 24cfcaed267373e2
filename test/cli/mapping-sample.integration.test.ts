import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FakeMailchimp } from '../../src/sandbox/mailchimp.ts';
import { startMailchimpMembers } from '../support/mailchimp-members.ts';
import { DEFAULT_MAPPINGS_DIR } from '../../src/sync/mapping-source.ts';
import { cliHome, runCliInProcess } from '../support/cli.ts';

// `mapping preview --connection`: the first records of a connection's stream (the loopback
// Mailchimp), mapped, in the CLI's own process against real Redis.

const FILE = join(DEFAULT_MAPPINGS_DIR, 'mailchimp-members.yaml');
const home = cliHome('mapping-sample');
const cli = (...args: string[]) => runCliInProcess(args, home.env);
let mc: FakeMailchimp;
let conn = '';

beforeAll(async () => {
  const mailchimp = await startMailchimpMembers('Member', 4);
  mc = mailchimp.mc;
  expect((await cli('tenant', 'create', 'acme-ford', '--name', 'Acme Ford')).code).toBe(0);
  const created = await cli(
    ...['connection', 'create', '--tenant', 'acme-ford', '--connector', 'mailchimp'],
    ...['--name', 'Mailchimp', '--json'],
    ...['--settings', JSON.stringify(mailchimp.settings)],
    ...['--credentials', JSON.stringify(mailchimp.credentials)],
  );
  expect(created.code, created.err).toBe(0);
  conn = (JSON.parse(created.out) as { id: string }).id;
}, 60_000);
afterAll(async () => {
  await mc?.stop();
  await home.cleanup();
});

describe('dealerloop mapping preview --connection', () => {
  it("maps the connection's first records (the mapping's stream by default)", async () => {
    const t = ['--tenant', 'acme-ford', '--connection', conn];
    const shown = await cli('mapping', 'preview', FILE, ...t, '--limit', '2');
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain(`2 record(s) read from connection ${conn}, stream members`);
    expect(shown.out).toContain('"email": "member0@example.com"');
    expect(shown.out).toContain('"email": "member1@example.com"');
    expect(shown.out).not.toContain('member2@example.com');
    const json = await cli('mapping', 'preview', FILE, ...t, '--stream', 'members', '--json');
    const results = (JSON.parse(json.out) as { results: { value: { email: string } }[] }).results;
    expect(results.map((r) => r.value.email)).toEqual([
      'member0@example.com',
      'member1@example.com',
      'member2@example.com',
    ]);
    expect(mc.writes()).toEqual([]);
  }, 60_000);

  it('refuses a limit out of range naming it, and needs --tenant', async () => {
    const over = await cli(
      'mapping',
      'preview',
      FILE,
      '--tenant',
      'acme-ford',
      '--connection',
      conn,
      '--limit',
      '50',
    );
    expect(over.code).toBe(1);
    expect(over.err).toContain('limit');
    const noTenant = await cli('mapping', 'preview', FILE, '--connection', conn);
    expect(noTenant.code).toBe(1);
    expect(noTenant.err).toContain('--tenant is required');
  }, 60_000);
});
